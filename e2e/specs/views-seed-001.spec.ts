import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "../support/investigation.ts";
import { Views } from "./views-steps.ts";

interface Manifest {
  hosts: Array<{ name: string; ip: string; kind: string; owner?: string }>;
  groundTruth: {
    c2: { ip: string; port: number; streamTcpBySrc: Record<string, number> };
    encodedPowershell: Array<{ host: string; parentImage: string; commandLine: string }>;
    processes: Array<{ host: string; image: string; processId: number; parentProcessId: number; parentImage: string }>;
  };
}
const manifest = JSON.parse(readFileSync(new URL("../../public/sample/manifest.json", import.meta.url), "utf8")) as Manifest;
const REGSVR32 = fileURLToPath(new URL("../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url));
const base = (p: string) => p.slice(p.lastIndexOf("\\") + 1);

/** What powershell.exe runs for `-enc X`: base64 → UTF-16LE (decoded here with Node's Buffer, independently of the app). */
function psDecode(commandLine: string): string {
  const b64 = commandLine.split(/\s+-enc\s+/i)[1]!.trim();
  return Buffer.from(b64, "base64").toString("utf16le");
}

test("seed 001 in the views: decode the encoded PowerShell, the venus Sankey, wrk-btun's tree, the C2 pivot, asset enrichment", async ({ investigation, page }) => {
  test.setTimeout(180_000);
  const views = new Views(page);
  await investigation.open("/?sample=1");
  await investigation.waitForLoads();

  // 1. An SPL search finds the encoded PowerShell; decoding a selected command line shows the script.
  const launches = manifest.groundTruth.encodedPowershell;
  await investigation.runQuery("spl", 'EventCode=1 CommandLine="powershell*-enc*"');
  expect(await investigation.result()).toEqual({ kind: "events", total: launches.length });
  const detail = await investigation.expandEvent(0);
  const commandLine = detail.locator('[data-testid="event-fields"] tr', { hasText: /^CommandLine/ }).locator("td").nth(1);
  await expect(commandLine).toContainText("-enc");
  const script = psDecode((await commandLine.innerText()).trim());
  expect(script).toContain(manifest.groundTruth.c2.ip);
  await views.selectAndDecode('[data-testid="event-fields"] tr:has(td.key:text-is("CommandLine")) td:nth-child(2)');
  const best = page.getByTestId("decoding").first();
  await expect(best).toHaveAttribute("data-steps", "powershell -enc>base64>utf-16le");
  await expect(best.getByTestId("decoded-text")).toHaveText(script);
  await investigation.screenshot("views-decode");

  // 2. The Sankey for venus, drawn (as in the seed) from the search for encoded PowerShell in
  //    CommandLine or ParentCommandLine: WmiPrvSE → powershell → its children.
  await investigation.runQuery("spl", 'host=venus EventCode=1 (CommandLine="*-enc*" OR ParentCommandLine="*-enc*")');
  await views.open("sankey");
  await page.getByTestId("sankey-mode-process").click();
  await page.getByTestId("sankey-use-result").check();
  await views.host("venus");
  // Straight links have no height, so wait on the nodes.
  await expect(page.getByTestId("sankey-node").first()).toBeVisible();
  const links = await views.sankeyLinks();
  expect(links.every((l) => l.host === "venus" || l.host === "")).toBe(true);
  const wmiToPs = links.filter((l) => /^WmiPrvSE\.exe \(\d+\)$/i.test(l.source) && /^powershell\.exe \(\d+\)$/.test(l.target));
  expect(wmiToPs.length).toBeGreaterThan(0);
  const psNode = wmiToPs[0]!.target;
  const children = links.filter((l) => l.source === psNode).map((l) => l.target.replace(/ \(\d+\)$/, ""));
  const venusKids = manifest.groundTruth.processes.filter((p) => p.host === "venus" && base(p.parentImage).toLowerCase() === "powershell.exe").map((p) => base(p.image));
  expect(venusKids.length).toBeGreaterThan(0);
  for (const k of new Set(venusKids)) expect(children.map((c) => c.toLowerCase())).toContain(k.toLowerCase());
  await investigation.screenshot("views-sankey-venus");
  // Without a search, the host's background processes crowd the diagram; the focus box keeps the
  // chains through PowerShell, and the same WmiPrvSE → powershell flow is there.
  await page.getByTestId("sankey-use-result").uncheck();
  await page.getByTestId("sankey-focus").fill("powershell");
  await page.getByTestId("sankey-focus").press("Enter");
  await expect(page.locator(`[data-testid="sankey-link"][data-source="${wmiToPs[0]!.source}"][data-target="${psNode}"]`)).toHaveCount(1);
  await investigation.screenshot("views-sankey-venus-focus");

  // 3. wrk-btun's process tree: ftp, whoami and schtasks under the PowerShell.
  await views.open("tree");
  await views.host("wrk-btun");
  // Narrow the tree to PowerShell: the matches, the path to them and what they started.
  await page.getByTestId("tree-find").fill("powershell");
  const ps = page.locator('[data-testid="tree-node"][data-name="powershell.exe"]').first();
  await expect(ps).toBeVisible();
  for (const exe of ["ftp.exe", "whoami.exe", "schtasks.exe"]) {
    await expect(page.locator(`[data-testid="tree-node"][data-name="powershell.exe"] [data-testid="tree-node"][data-name="${exe}"]`).first()).toBeVisible();
  }
  // The launcher's decoded script is shown inline.
  await expect(page.getByTestId("tree-decoded").first()).toContainText(manifest.groundTruth.c2.ip);
  await investigation.screenshot("views-tree-wrk-btun");

  // 4. Pivot to the C2: its peers and ports.
  await views.pivotTo("ip", manifest.groundTruth.c2.ip);
  const peers = await views.related("Peers");
  for (const src of Object.keys(manifest.groundTruth.c2.streamTcpBySrc)) expect(Object.keys(peers)).toContain(src);
  expect(Object.keys(await views.related("Destination ports"))).toContain(String(manifest.groundTruth.c2.port));
  await investigation.screenshot("views-pivot-c2");

  // 5. An asset CSV (host, ip, owner) enriches the host views.
  const csv = "nt_host,ip,owner,category\n" + manifest.hosts.map((h) => `${h.name},${h.ip},${h.owner ?? "it-ops"},${h.kind}`).join("\n") + "\n";
  await views.open("lookups");
  await page.getByTestId("lookup-file").setInputFiles({ name: "assets.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.locator('[data-testid="lookup-table"][data-name="assets.csv"]')).toHaveAttribute("data-rows", String(manifest.hosts.length));
  await views.pivotTo("host", "wrk-btun");
  const btun = manifest.hosts.find((h) => h.name === "wrk-btun")!;
  await expect(page.locator('[data-testid="pivot-summary"] [data-testid="enrichment-field"][data-field="owner"]')).toContainText(btun.owner!);
  await expect(page.locator('[data-testid="pivot-summary"] [data-testid="enrichment-field"][data-field="ip"]')).toContainText(btun.ip);
  // The trail keeps where the hunt went.
  await expect(page.getByTestId("trail-item")).toHaveText([`ip: ${manifest.groundTruth.c2.ip}`, "host: wrk-btun"]);
  await investigation.screenshot("views-pivot-host-enriched");
  // The views state is in the URL.
  expect(new URL(page.url()).searchParams.get("views")).toContain('"trail"');
});

test("regsvr32: the tree shows regsvr32.exe with its parent, scrobj.dll and the network event", async ({ investigation, page }) => {
  const views = new Views(page);
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await views.open("tree");
  const reg = page.locator('[data-testid="tree-node"][data-name="cmd.exe"] > ul > [data-testid="tree-node"][data-name="regsvr32.exe"]');
  await expect(reg).toBeVisible();
  await expect(reg.locator('[data-testid="tree-library"][data-name="scrobj.dll"]')).toBeVisible();
  await expect(reg.getByTestId("tree-connection")).toContainText("151.101.48.133");
  await expect(reg.getByTestId("tree-cmdline")).toContainText("RegSvr32.sct");
  await investigation.screenshot("views-tree-regsvr32");
});

test("a shared URL reopens the views: the tree of wrk-btun and the pivot trail; a bad views state is refused with a message", async ({ investigation, page }) => {
  const state = {
    v: 1,
    tab: "tree",
    trail: [{ kind: "ip", value: manifest.groundTruth.c2.ip }],
    sankey: { mode: "process", source: "src_ip", target: "dest_ip", host: "", useResult: false, maxFlows: 40, focus: "" },
    tree: { host: "wrk-btun", seq: null },
  };
  await investigation.open(`/?sample=1&views=${encodeURIComponent(JSON.stringify(state))}`);
  await investigation.waitForLoads();
  await expect(page.getByTestId("views-dock")).toHaveAttribute("data-tab", "tree");
  await expect(page.getByTestId("view-host")).toHaveValue("wrk-btun");
  await expect(page.locator('[data-testid="tree-node"][data-name="WINWORD.EXE"]').first()).toBeVisible();
  await page.getByTestId("views-tab-pivot").click();
  await expect(page.getByTestId("trail-item")).toHaveText([`ip: ${manifest.groundTruth.c2.ip}`]);

  await investigation.open(`/?sample=1&views=${encodeURIComponent(JSON.stringify({ ...state, tab: "graph" }))}`);
  await investigation.waitForLoads();
  await expect(page.getByTestId("views-dock")).toContainText('views: bad tab "graph"');
  await expect(page.getByTestId("views-dock")).toHaveAttribute("data-tab", "");
});

test("two-field Sankey: stream:tcp sources of the C2 match the generator's counts; clicking a node pivots", async ({ investigation, page }) => {
  const views = new Views(page);
  const c2 = manifest.groundTruth.c2;
  await investigation.open("/?sample=1");
  await investigation.waitForLoads();
  await investigation.runQuery("spl", `sourcetype="stream:tcp" dest_ip="${c2.ip}"`);
  await views.open("sankey");
  await page.getByTestId("sankey-mode-fields").click();
  await page.getByTestId("sankey-use-result").check();
  for (const [id, field] of [["sankey-source", "src_ip"], ["sankey-target", "dest_ip"]] as const) {
    await page.getByTestId(id).fill(field);
    await page.getByTestId(id).press("Enter");
  }
  await expect(page.getByTestId("sankey-node").first()).toBeVisible();
  const links = await views.sankeyLinks();
  const bySrc = Object.fromEntries(links.map((l) => [l.source, l.count]));
  expect(links.every((l) => l.target === c2.ip)).toBe(true);
  expect(bySrc).toEqual(c2.streamTcpBySrc);
  await investigation.screenshot("views-sankey-fields");
  await page.locator(`[data-testid="sankey-node"][data-label="${c2.ip}"] rect`).click();
  await expect(page.getByTestId("pivot-summary")).toHaveAttribute("data-value", c2.ip);
});
