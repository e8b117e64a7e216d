import { readFileSync } from "node:fs";
import { expect, test } from "../support/investigation.ts";

interface SampleIndex {
  events: number;
  files: Array<{ name: string; sourcetype: string; events: number }>;
}
const index = JSON.parse(readFileSync(new URL("../../public/sample/index.json", import.meta.url), "utf8")) as SampleIndex;

test("the sample dataset loads from the app's origin with the generator's counts; SPL stats and timechart draw", async ({ investigation, page }) => {
  await investigation.open();
  await page.getByTestId("load-sample").click();
  await investigation.waitForLoads();
  for (const f of index.files) expect(await investigation.eventsOf(f.name), f.name).toBe(f.events);
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", String(index.events));
  const perSourcetype: Record<string, number> = {};
  for (const f of index.files) perSourcetype[f.sourcetype] = (perSourcetype[f.sourcetype] ?? 0) + f.events;
  expect(await investigation.sourcetypeCounts()).toEqual(perSourcetype);
  await investigation.screenshot("sample-loaded");

  await investigation.runQuery("spl", "* | stats count by sourcetype");
  expect(await investigation.result()).toEqual({ kind: "table", total: Object.keys(perSourcetype).length });
  const rows = await page.getByTestId("stats-row").all();
  const shown: Record<string, number> = {};
  for (const r of rows) {
    const cells = await r.locator("td").allInnerTexts();
    shown[cells[0]!] = Number(cells[1]);
  }
  expect(shown).toEqual(perSourcetype);
  await expect(page.getByTestId("stats-chart")).toBeVisible();

  await investigation.runQuery("spl", "* | timechart span=1d count by sourcetype");
  const tc = await investigation.result();
  expect(tc.kind).toBe("table");
  expect(tc.total).toBeGreaterThanOrEqual(31);
  await expect(page.getByTestId("stats-chart")).toHaveAttribute("data-kind", /line|area/);
  await investigation.screenshot("sample-timechart");
});

test("clicking a field value adds the filter through the EQL AST and re-runs", async ({ investigation, page }) => {
  await investigation.open("/?sample=1");
  await investigation.waitForLoads();
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", String(index.events));
  // Opening the sample link again after a reload (data restored from IndexedDB) does not load it twice.
  await expect(page.getByTestId("saved-note")).toHaveAttribute("data-saved", "saved", { timeout: 60_000 });
  await investigation.open("/?sample=1");
  await expect(page.getByTestId("saved-note")).toHaveAttribute("data-saved", "restored");
  await investigation.waitForLoads();
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", String(index.events));
  await investigation.runQuery("eql", "any where true // every event");
  expect((await investigation.result()).total).toBe(index.events);
  const st = index.files.find((f) => f.sourcetype === "stream:dns")!;
  const count = await investigation.filterOnValue("sourcetype", st.sourcetype);
  expect(count).toBe(st.events);
  expect(await investigation.result()).toEqual({ kind: "events", total: st.events });
  const text = await investigation.queryText();
  expect(text).toContain('sourcetype == "stream:dns"');
  expect(text).toContain("// every event");
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", String(st.events));
  await investigation.screenshot("field-filter");
  // ≠ on another value narrows further.
  await investigation.filterOnValue("sourcetype", st.sourcetype, true);
  expect((await investigation.result()).total).toBe(0);

  // The same in SPL, through the SPL pipeline AST.
  await investigation.runQuery("spl", "*");
  expect((await investigation.result()).total).toBe(index.events);
  await investigation.filterOnValue("sourcetype", st.sourcetype);
  expect(await investigation.result()).toEqual({ kind: "events", total: st.events });
  expect(await investigation.queryText()).toMatch(/sourcetype="?stream:dns"?/);
});
