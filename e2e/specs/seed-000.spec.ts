import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "../support/investigation.ts";

const REGSVR32 = fileURLToPath(new URL("../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url));

test("seed 000: the EQL tutorial on atomic-regsvr32 gives 143 / 1 / 1 / one sequence", async ({ investigation, page }) => {
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", "150");

  await investigation.runQuery("eql", 'any where process.name == "regsvr32.exe"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "143");
  // Default columns for ECS JSON, search terms highlighted, a field added as a column.
  await expect(page.locator('[data-testid="column-head"][data-field="process.name"]')).toBeVisible();
  await expect(page.getByTestId("event-row").first().locator("mark").first()).toHaveText("regsvr32.exe");
  await page.locator('[data-testid="field"][data-field="dll.name"] button.field-name').click();
  await page.locator('[data-testid="field"][data-field="dll.name"]').getByTestId("toggle-column").click();
  await expect(page.locator('[data-testid="column-head"][data-field="dll.name"]')).toBeVisible();
  await investigation.screenshot("seed-000-q1");
  // Export the current result: one NDJSON line per event of the 143.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-ndjson").click()]);
  const lines = readFileSync((await download.path())!, "utf8").trimEnd().split("\n");
  expect(lines).toHaveLength(143);
  for (const l of lines) expect((JSON.parse(l) as Record<string, string>)["process.name"]).toBe("regsvr32.exe");

  await investigation.runQuery("eql", 'process where process.name == "regsvr32.exe" and process.command_line.keyword != null');
  expect(await investigation.result()).toEqual({ kind: "events", total: 1 });
  const detail = await investigation.expandEvent(0);
  await expect(detail.getByTestId("event-raw")).toContainText("scrobj.dll");
  await expect(detail.getByTestId("event-fields")).toContainText("RegSvr32.sct");

  await investigation.runQuery("eql", 'library where process.name == "regsvr32.exe" and dll.name == "scrobj.dll"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 1 });

  await investigation.runQuery("eql", 'sequence by process.pid [process where process.name == "regsvr32.exe"] [library where dll.name == "scrobj.dll"] [network where true]');
  expect(await investigation.result()).toEqual({ kind: "sequences", total: 1 });
  const seq = page.getByTestId("sequence");
  await expect(seq).toHaveCount(1);
  await expect(seq.getByTestId("join-keys")).toHaveText("[2012]");
  const events = seq.getByTestId("sequence-event");
  await expect(events).toHaveCount(3);
  await expect(events.nth(0)).toContainText('"category": "process"');
  await expect(events.nth(1)).toContainText("scrobj.dll");
  await expect(events.nth(2)).toContainText("151.101.48.133");
  await investigation.screenshot("seed-000-sequence");
});

test("a bad query shows its error at the right place and the previous answer stays", async ({ investigation, page }) => {
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await investigation.runQuery("eql", "process where process.name ==");
  await expect(page.getByTestId("query-error")).toBeVisible();
  // Monaco draws the parse error as a squiggle marker.
  await expect(page.locator(".query-editor .squiggly-error")).toHaveCount(1);
  await investigation.runQuery("spl", "* | stats count by event.category");
  expect(await investigation.result()).toEqual({ kind: "table", total: 4 });
  await expect(page.getByTestId("stats-chart")).toBeVisible();
  await investigation.screenshot("spl-stats");
});
