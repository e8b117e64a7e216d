import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { encodeShare, type ShareState } from "../../apps/web/src/app/share.ts";
import { expect, test as base } from "../support/investigation.ts";
import { haveClickHouse, loadIntoClickHouse, serveWithClickHouse, startClickHouse, type Running } from "../support/clickhouse.ts";
import { Views } from "./views-steps.ts";

const REGSVR32 = fileURLToPath(new URL("../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url));
const EQL = 'any where process.name == "regsvr32.exe"';
const SPL = "* | stats count by event.category";
/** The sample dataset the app offers (BOTSv2-style, the seed 001 story), in the order the page loads it. */
const SAMPLE_DIR = new URL("../../public/sample/", import.meta.url);
const SAMPLE = (JSON.parse(readFileSync(new URL("index.json", SAMPLE_DIR), "utf8")) as { files: Array<{ name: string }> }).files.map((f) => fileURLToPath(new URL(f.name, SAMPLE_DIR)));
const SAMPLE_EVENTS = 50509;
const C2 = "45.77.65.211";

let clickhouse: Running | null = null;
let served: Running | null = null;

// This spec talks to its own `quarry serve --clickhouse`, not the config's plain server.
const test = base.extend<{ origin: string }>({
  // eslint-disable-next-line no-empty-pattern
  origin: async ({}, use) => {
    if (!served) throw new Error("quarry serve --clickhouse did not start");
    await use(served.url);
  },
});

test.skip(!haveClickHouse, "clickhouse-server is not installed (apt-get install -y clickhouse-server): the ClickHouse data source is not tested");

test.beforeAll(async () => {
  test.setTimeout(300_000);
  clickhouse = await startClickHouse();
  const summary = (await loadIntoClickHouse(clickhouse.url, "regsvr", [REGSVR32])) as { files?: Array<{ events?: number }> };
  expect(JSON.stringify(summary)).toContain("150");
  const bots = (await loadIntoClickHouse(clickhouse.url, "bots", SAMPLE)) as { files?: Array<{ events?: number }> };
  expect((bots.files ?? []).reduce((n, f) => n + (f.events ?? 0), 0)).toBe(SAMPLE_EVENTS);
  served = await serveWithClickHouse(clickhouse.url);
});

test.afterAll(async () => {
  await served?.stop();
  await clickhouse?.stop();
});

/** Runs SQL on the test's ClickHouse server (setting up a failure the UI must report). */
async function chQuery(sql: string): Promise<string> {
  const res = await fetch(clickhouse!.url, { method: "POST", body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text}`);
  return text.trim();
}

/** The rows of a stats table as {first cell: second cell}. */
async function statsRows(page: Page, testId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await page.getByTestId(testId).all()) {
    const cells = await r.locator("td").allInnerTexts();
    out[cells[0]!] = Number(cells[1]);
  }
  return out;
}

test("the ClickHouse dataset answers EQL and SPL stats through the proxy with the local run's counts", async ({ investigation, page }) => {
  await investigation.open();
  const source = page.getByTestId("datasource");
  await expect(source).toBeVisible();
  await expect(source.locator("option", { hasText: "regsvr" })).toHaveText(/ClickHouse: regsvr \(150 events\)/);
  await source.selectOption("regsvr");

  // EQL on the server: seed 000's first tutorial query (143 events).
  await investigation.runQuery("eql", EQL);
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
  await expect(page.getByTestId("remote-event").first()).toContainText("regsvr32.exe");
  await expect(page.locator('[data-testid="remote-field"][data-field="process.name"]')).toHaveAttribute("data-count", "143");

  // Seed 000's sequence: stage filters pushed down, matched by the engine's sequence executor.
  await investigation.runQuery("eql", 'sequence by process.pid [process where process.name == "regsvr32.exe"] [library where dll.name == "scrobj.dll"] [network where true]');
  expect(await investigation.result()).toEqual({ kind: "sequences", total: 1 });
  await expect(page.getByTestId("remote-sequence")).toHaveCount(1);
  await expect(page.getByTestId("remote-sequence").getByTestId("remote-event")).toHaveCount(3);

  // Fields of the server's events: = on event.category "library" filters through the AST and re-runs there (PROVENANCE: 89).
  await investigation.runQuery("eql", "any where true");
  expect(await investigation.result()).toEqual({ kind: "events", total: 150 });
  const category = page.locator('[data-testid="remote-field"][data-field="event.category"]');
  await category.locator("button.field-name").click();
  await expect(category.locator('[data-testid="remote-top-value"][data-value="library"]')).toHaveAttribute("data-count", "89");
  const before = await page.getByTestId("query-status").getAttribute("data-run");
  await category.locator('[data-testid="remote-top-value"][data-value="library"]').getByTitle("Filter on this value").click();
  await expect(page.getByTestId("query-status")).not.toHaveAttribute("data-run", before ?? "");
  await expect(page.getByTestId("result-summary")).toHaveAttribute("data-total", "89");
  await investigation.screenshot("clickhouse-eql-fields");

  // An SPL search on the server: its events and their count over time (a second query, run in ClickHouse).
  await investigation.runQuery("spl", 'process.name="regsvr32.exe"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
  await expect(page.getByTestId("remote-timechart")).toHaveAttribute("data-total", "143");
  await investigation.screenshot("clickhouse-spl-events");

  // SPL stats on the server: the table and its chart.
  await investigation.runQuery("spl", SPL);
  const remoteSummary = await investigation.result();
  expect(remoteSummary.kind).toBe("table");
  const remote = await statsRows(page, "remote-row");
  // PROVENANCE: 150 documents, 89 library, 56 registry, 4 process, 1 network.
  expect(remote).toEqual({ library: 89, registry: 56, process: 4, network: 1 });
  await expect(page.getByTestId("remote-chart")).toBeVisible();
  await investigation.screenshot("clickhouse-stats");

  // A bad query is reported where it ran, in the server's words.
  await investigation.runQuery("eql", "any where (");
  await expect(page.getByTestId("query-error")).toBeVisible();

  // The same file loaded in the tab gives the same answers.
  await source.selectOption("");
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await investigation.runQuery("eql", EQL);
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
  await investigation.runQuery("spl", 'process.name="regsvr32.exe"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
  await investigation.runQuery("spl", SPL);
  expect(await investigation.result()).toEqual(remoteSummary);
  expect(await statsRows(page, "stats-row")).toEqual(remote);
});

/** What the views show, read from the page: the venus Sankey, the C2 pivot and wrk-btun's process tree. */
async function readViews(page: Page, views: Views, shot: (name: string) => Promise<string>, prefix: string) {
  await views.open("sankey");
  await page.getByTestId("sankey-mode-process").click();
  await views.host("venus");
  // The chains through PowerShell (the seed's WmiPrvSE → powershell → ftp/whoami/schtasks).
  await page.getByTestId("sankey-focus").fill("powershell");
  await page.getByTestId("sankey-focus").press("Enter");
  const chart = page.getByTestId("sankey-chart");
  await expect(page.getByTestId("sankey-node").first()).toBeVisible();
  await expect(page.getByTestId("view-busy")).toHaveCount(0);
  const sankey = { summary: await page.getByTestId("sankey-summary").innerText(), nodes: await chart.getAttribute("data-nodes"), links: await views.sankeyLinks() };
  await shot(`${prefix}-sankey-venus`);

  await views.pivotTo("ip", C2);
  await expect(page.getByTestId("view-busy")).toHaveCount(0);
  const related: Record<string, Record<string, number>> = {};
  for (const title of ["Peers", "Destination ports", "Hosts", "Users"]) related[title] = await views.related(title);
  const pivot = { events: Number(await page.getByTestId("pivot-events").getAttribute("data-count")), related, recent: await page.getByTestId("pivot-recent").locator("li").count() };
  await shot(`${prefix}-pivot-c2`);

  await views.open("tree");
  await views.host("wrk-btun");
  await expect(page.locator('[data-testid="tree-node"][data-name="powershell.exe"]').first()).toBeVisible();
  await expect(page.getByTestId("view-busy")).toHaveCount(0);
  const nodes = await page.getByTestId("tree-node").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-depth")}:${e.getAttribute("data-name")}:${e.getAttribute("data-pid")}`));
  const tree = { processes: Number(await page.getByTestId("tree-count").getAttribute("data-count")), nodes, decoded: await page.getByTestId("tree-decoded").count() };
  await shot(`${prefix}-tree-wrk-btun`);
  return { sankey, pivot, tree };
}

test("on the ClickHouse dataset the Sankey, the C2 pivot and a host's process tree show what the local run of the same data shows", async ({ investigation, page }) => {
  test.setTimeout(300_000);
  const views = new Views(page);
  await investigation.open();
  await page.getByTestId("datasource").selectOption("bots");
  const remote = await readViews(page, views, (n) => investigation.screenshot(n), "clickhouse");
  // The seed 001 story is there: WmiPrvSE → PowerShell on venus, the C2's peers and port, the encoded launcher on wrk-btun.
  expect(remote.sankey.links.some((l) => /^WmiPrvSE\.exe \(\d+\)$/i.test(l.source) && /^powershell\.exe \(\d+\)$/i.test(l.target))).toBe(true);
  expect(remote.pivot.events).toBeGreaterThan(0);
  expect(Object.keys(remote.pivot.related["Destination ports"]!)).toContain("443");
  expect(remote.tree.processes).toBeGreaterThan(10);
  expect(remote.tree.decoded).toBeGreaterThan(0);

  // The same files loaded in the tab (the sample) give the same numbers.
  await investigation.open("/?sample=1");
  await investigation.waitForLoads();
  expect(await investigation.totalEvents()).toBe(SAMPLE_EVENTS);
  await expect(page.getByTestId("datasource")).toHaveValue("");
  const local = await readViews(page, views, (n) => investigation.screenshot(n), "local");
  expect(remote).toEqual(local);
});

test("a share URL carries the ClickHouse data source: a fresh browser restores it, reruns the query and the views; an unknown dataset is named", async ({ investigation, page, browser, origin }) => {
  test.setTimeout(180_000);
  const views = new Views(page);
  await investigation.open();
  await page.getByTestId("datasource").selectOption("bots");
  await investigation.runQuery("spl", "host=venus EventCode=1");
  const ran = await investigation.result();
  expect(ran.kind).toBe("events");
  expect(ran.total).toBeGreaterThan(0);
  await views.pivotTo("ip", C2);
  const events = await page.getByTestId("pivot-events").getAttribute("data-count");
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#s=/);
  const link = page.url();

  // A fresh browser (no storage, no files): the link picks the dataset, runs the search on the server, opens the pivot.
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(other.getByTestId("datasource")).toHaveValue("bots");
    await expect(other.getByTestId("result-summary")).toHaveAttribute("data-total", String(ran.total));
    await expect(other.getByTestId("pivot-events")).toHaveAttribute("data-count", events!);
    await other.screenshot({ path: test.info().outputPath("clickhouse-share-restored.png") });

    // A link to a dataset the server does not have says so instead of running anything.
    const state: ShareState = { v: 1, lang: "spl", query: "host=venus", timeRange: null, timeZone: "UTC", splitBy: "sourcetype", ran: true, datasets: [], sample: false, source: { kind: "clickhouse", dataset: "nosuch" } };
    await other.goto(`${origin}/#s=${encodeShare(state)}`);
    await expect(other.getByTestId("share-error")).toContainText("nosuch");
    await expect(other.getByTestId("share-error")).toContainText("no such dataset");
  } finally {
    await fresh.close();
  }
});

test("Cancel stops the running server query through the cancel route (KILL QUERY)", async ({ investigation, page }) => {
  // Hold the query request in the browser so it is still running when Cancel is clicked.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let sentId = "";
  await page.route("**/api/clickhouse/eql", async (route) => {
    sentId = (JSON.parse(route.request().postData() ?? "{}") as { queryId?: string }).queryId ?? "";
    await held;
    await route.continue().catch(() => {});
  });
  await investigation.open();
  await page.getByTestId("datasource").selectOption("regsvr");
  await page.getByTestId("lang-eql").click();
  const cancelled = page.waitForRequest((r) => r.url().endsWith("/api/clickhouse/cancel") && r.method() === "POST");
  await page.getByTestId("run-query").click();
  await expect(page.getByTestId("query-status")).toHaveAttribute("data-status", "running");
  await page.getByTestId("cancel-query").click();
  const req = await cancelled;
  expect(sentId).toMatch(/^quarry-[0-9a-f]{24}$/);
  expect((req.postDataJSON() as { queryId: string }).queryId).toBe(sentId);
  const answer = await req.response();
  expect(await answer!.json()).toEqual({ cancelled: sentId });
  await expect(page.getByTestId("query-status")).toHaveAttribute("data-status", "idle");
  release();
});

test("an unknown dataset and an unreachable ClickHouse server are reported in plain words where the query ran", async ({ investigation, page }) => {
  await loadIntoClickHouse(clickhouse!.url, "gone", [REGSVR32]);
  await investigation.open();
  await page.getByTestId("datasource").selectOption("gone");
  // The dataset disappears from the server after the page listed it.
  for (const t of (await chQuery("SHOW TABLES")).split("\n").filter((n) => n.startsWith("quarry_gone"))) await chQuery(`DROP TABLE ${t}`);
  await investigation.runQuery("eql", EQL);
  await expect(page.getByTestId("query-error")).toContainText(/unknown dataset/i);
  await investigation.screenshot("clickhouse-unknown-dataset");

  await page.getByTestId("datasource").selectOption("regsvr");
  await clickhouse!.stop();
  await investigation.runQuery("eql", EQL);
  await expect(page.getByTestId("query-error")).toContainText(/unreachable/i);
  await investigation.screenshot("clickhouse-unreachable");
});
