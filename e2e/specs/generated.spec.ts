import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "../support/investigation.ts";

const CLI = fileURLToPath(new URL("../../packages/cli/dist/quarry.js", import.meta.url));

test("a 200k-event generated BOTSv2-style dataset loads with the generator's counts and scrolls to its last row", async ({ investigation, page }) => {
  test.setTimeout(300_000);
  const dir = test.info().outputPath("generated");
  const gen = spawnSync(process.execPath, [CLI, "generate", "--events", "200000", "--seed", "e2e", "--out", dir, "--quiet"], { encoding: "utf8" });
  expect(gen.status, gen.stderr).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { events: number };
  const files = readdirSync(dir).filter((f) => f !== "manifest.json").map((f) => join(dir, f));

  await investigation.open();
  const t0 = Date.now();
  await investigation.drop(files);
  await investigation.waitForLoads();
  const loadMs = Date.now() - t0;
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", String(manifest.events));
  // The table's own count must have caught up before scrolling to its end.
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", String(manifest.events));
  const scroller = page.getByTestId("events-scroll");
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const last = page.locator(`[data-testid="event-row"][data-index="${manifest.events - 1}"]`);
  await expect(last.locator(".raw")).not.toBeEmpty();
  console.log(`generated dataset: ${manifest.events} events in ${files.length} files, dropped to loaded in ${loadMs} ms`);
  await investigation.screenshot("generated-200k");
});
