import { fileURLToPath } from "node:url";
import { expect, Investigation, test } from "../support/investigation.ts";

const REGSVR32 = fileURLToPath(new URL("../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url));
const NAME = "normalized-T1117-AtomicRed-regsvr32.json";

test("a share URL restores the investigation in a fresh browser context, which asks for the file it lacks", async ({ investigation, page, browser, origin }) => {
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await page.getByTestId("time-zone").selectOption("America/Los_Angeles");
  await investigation.runQuery("eql", 'any where process.name == "regsvr32.exe"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
  await expect(page).toHaveURL(/#s=[\w-]+$/);
  const url = page.url();

  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await fresh.newPage();
  const foreign: string[] = [];
  other.on("request", (r) => {
    if (!r.url().startsWith(origin + "/") && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  await other.goto(url);
  const b = new Investigation(other, origin);
  await expect(other.getByTestId("share-needs")).toBeVisible();
  await expect(other.locator(`[data-testid="needed-file"][data-file="${NAME}"]`)).toContainText("58 KB");
  await b.screenshot("share-needs-file");
  await b.drop([REGSVR32]);
  await b.waitForLoads();
  await expect(other.getByTestId("result-summary")).toHaveAttribute("data-total", "143");
  await expect(other.getByTestId("share-needs")).toHaveCount(0);
  expect(await b.queryText()).toContain('any where process.name == "regsvr32.exe"');
  await expect(other.getByTestId("time-zone")).toHaveValue("America/Los_Angeles");
  await expect(other.getByTestId("lang-eql")).toHaveAttribute("aria-checked", "true");
  expect(foreign).toEqual([]);
  await fresh.close();
});

test("a reload keeps the loaded datasets (IndexedDB) and the investigation (URL)", async ({ investigation, page }) => {
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await investigation.runQuery("eql", 'library where dll.name == "scrobj.dll"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 1 });
  // The dataset is saved once the load queue is empty.
  await expect(page.getByTestId("saved-note")).toHaveAttribute("data-saved", "saved");
  await page.reload();
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", "150");
  await expect(page.getByTestId("result-summary")).toHaveAttribute("data-total", "1");
  await expect(page.getByTestId("share-needs")).toHaveCount(0);
  // The query history survives the reload too.
  await page.getByRole("button", { name: "History" }).click();
  await expect(page.getByTestId("query-history")).toContainText('library where dll.name == "scrobj.dll"');
  // Forgetting the data removes it from the browser too.
  await page.getByRole("button", { name: "Forget all data" }).click();
  await expect(page.getByTestId("dataset-status")).toContainText("No data loaded");
  await page.reload();
  await expect(page.getByTestId("dataset-status")).toContainText("No data loaded");
});

test("a damaged share link says so and the app still works", async ({ investigation, page }) => {
  await investigation.open("/#s=AAAAthis-is-not-a-state");
  await expect(page.getByTestId("share-error")).toContainText("could not be opened");
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", "150");
});

test("a stopped engine rejects its calls, says so, and restarts with the saved data", async ({ investigation, page }) => {
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await expect(page.getByTestId("saved-note")).toHaveAttribute("data-saved", "saved");
  // What the app does when the worker dies: the client marks it dead and terminates the worker.
  const rejected = await page.evaluate(async () => {
    const engine = (globalThis as unknown as { quarryEngine: { call(m: string, p: unknown): Promise<unknown>; fail(r: string): void } }).quarryEngine;
    const pending = engine.call("status", {}).then(() => "resolved", (e: Error) => e.message);
    engine.fail("simulated crash");
    return pending;
  });
  expect(rejected).toContain("simulated crash");
  await expect(page.getByTestId("dataset-status")).toContainText("Engine stopped: simulated crash");
  await page.getByRole("button", { name: "Restart engine" }).click();
  await expect(page.getByTestId("dataset-status")).toContainText("150 events");
  await investigation.runQuery("eql", 'any where process.name == "regsvr32.exe"');
  expect(await investigation.result()).toEqual({ kind: "events", total: 143 });
});
