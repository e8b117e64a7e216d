import { fileURLToPath } from "node:url";
import { expect, test } from "../support/investigation.ts";

const REGSVR32 = fileURLToPath(new URL("../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url));

test("the editor completes field names from the loaded data; help overlay and light theme", async ({ investigation, page }) => {
  await investigation.open();
  await investigation.drop([REGSVR32]);
  await investigation.waitForLoads();
  await page.getByTestId("lang-eql").click();
  await page.getByTestId("query-editor").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("library where dll.na", { delay: 5 });
  await page.keyboard.press("Control+Space");
  const suggest = page.locator(".suggest-widget .monaco-list-row");
  const row = suggest.filter({ hasText: "dll.name" }).first();
  await expect(row).toBeVisible();
  // The label must be drawn inside its row (app CSS once pushed it out of the clipped row).
  const [rowBox, labelBox] = [await row.boundingBox(), await row.locator(".label-name").boundingBox()];
  expect(labelBox!.y).toBeGreaterThanOrEqual(rowBox!.y - 1);
  expect(labelBox!.y + labelBox!.height).toBeLessThanOrEqual(rowBox!.y + rowBox!.height + 1);
  await investigation.screenshot("editor-completion");
  await page.keyboard.press("Escape");

  await page.locator("body").click({ position: { x: 5, y: 890 } });
  await page.keyboard.press("?");
  await expect(page.getByTestId("help-overlay")).toContainText("Ctrl/⌘ + Enter");
  await investigation.screenshot("help-overlay");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("help-overlay")).toHaveCount(0);

  await page.keyboard.press("/");
  expect(await page.evaluate(() => !!document.activeElement?.closest(".query-editor"))).toBe(true);
  await page.getByTitle("Switch theme").click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await investigation.runQuery("eql", 'any where process.name == "regsvr32.exe"');
  await investigation.screenshot("light-theme");
});
