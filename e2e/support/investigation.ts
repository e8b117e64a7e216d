import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { expect, test as base, type Locator, type Page } from "@playwright/test";

/** A file handed to the page: a path on disk, or a name with bytes made in the test. */
export type DropFile = string | { name: string; mimeType?: string; buffer: Buffer };

/** An analyst's steps in Quarry, in the words of the product (CONVENTIONS 17). */
export class Investigation {
  constructor(
    readonly page: Page,
    readonly origin: string,
  ) {}

  /** Opens the app (optionally with a query string or hash). */
  async open(path = "/"): Promise<void> {
    await this.page.goto(this.origin + path);
    await expect(this.page.getByTestId("dropzone")).toBeVisible();
  }

  /** Hands files to the drop zone's file input, as a drop or the picker would. */
  async drop(files: DropFile[]): Promise<void> {
    // Paths go to the local browser as they are (no copy); mixed lists are sent as bytes.
    if (files.every((f): f is string => typeof f === "string")) {
      await this.page.getByTestId("file-input").setInputFiles(files);
      return;
    }
    const payloads = files.map((f) => (typeof f === "string" ? { name: basename(f), buffer: readFileSync(f) } : f));
    await this.page.getByTestId("file-input").setInputFiles(payloads.map((f) => ({ mimeType: "application/octet-stream", ...f })));
  }

  /** The progress row of one file. */
  fileJob(name: string): Locator {
    return this.page.locator(`[data-testid="file-job"][data-file="${name}"]`);
  }

  /** Waits until no file is queued or loading. */
  async waitForLoads(): Promise<void> {
    await expect(this.page.getByTestId("file-job").first()).toBeVisible();
    await expect(this.page.locator('[data-testid="file-job"][data-state="queued"], [data-testid="file-job"][data-state="loading"]')).toHaveCount(0, { timeout: 60_000 });
  }

  /** Events loaded from one file, as its progress row shows. */
  async eventsOf(name: string): Promise<number> {
    return Number(await this.fileJob(name).getByTestId("job-events").getAttribute("data-count"));
  }

  /** Events per sourcetype from the loaded summary. */
  async sourcetypeCounts(): Promise<Record<string, number>> {
    const rows = this.page.getByTestId("sourcetype-row");
    const out: Record<string, number> = {};
    for (const r of await rows.all()) out[(await r.getAttribute("data-sourcetype"))!] = Number(await r.getAttribute("data-count"));
    return out;
  }

  /** The total the summary shows. */
  async totalEvents(): Promise<number> {
    return Number(await this.page.getByTestId("total-events").getAttribute("data-count"));
  }

  /** The number of events the events table holds. */
  async eventsTotal(): Promise<number> {
    return Number(await this.page.getByTestId("events-total").getAttribute("data-count"));
  }

  /** Drags across the timeline between two fractions of its width, as an analyst brushes a range. */
  async brushTimeline(from: number, to: number): Promise<void> {
    const chart = this.page.getByTestId("timechart");
    const box = (await chart.boundingBox())!;
    // The plot area leaves the grid margins (48 px left, 12 px right) free.
    const x = (f: number) => box.x + 48 + (box.width - 60) * f;
    const y = box.y + box.height * 0.6;
    await this.page.mouse.move(x(from), y);
    await this.page.mouse.down();
    await this.page.mouse.move(x((from + to) / 2), y, { steps: 5 });
    await this.page.mouse.move(x(to), y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Opens the event at a row of the events table. */
  async expandEvent(index: number): Promise<Locator> {
    await this.page.locator(`[data-testid="event-row"][data-index="${index}"]`).click();
    const detail = this.page.getByTestId("event-detail");
    await expect(detail.getByTestId("event-raw")).toBeVisible();
    return detail;
  }

  /** Switches the query language, types a query into the editor and runs it with Ctrl+Enter. */
  async runQuery(lang: "eql" | "spl", text: string): Promise<void> {
    await this.page.getByTestId(`lang-${lang}`).click();
    const editor = this.page.getByTestId("query-editor");
    await expect(editor).toHaveAttribute("data-lang", lang);
    await editor.click();
    await this.page.keyboard.press("ControlOrMeta+A");
    await this.page.keyboard.press("Delete");
    await this.page.keyboard.type(text, { delay: 2 });
    // Close a suggestion list the typing may have opened, then run.
    await this.page.keyboard.press("Escape");
    const before = await this.page.getByTestId("query-status").getAttribute("data-run");
    await this.page.keyboard.press("ControlOrMeta+Enter");
    await expect(this.page.getByTestId("query-status")).not.toHaveAttribute("data-run", before ?? "");
    await expect(this.page.getByTestId("query-status")).toHaveAttribute("data-status", /done|error/);
  }

  /** What the last run returned: its kind and total, as the status line shows. */
  async result(): Promise<{ kind: string; total: number }> {
    const s = this.page.getByTestId("result-summary");
    return { kind: (await s.getAttribute("data-kind"))!, total: Number(await s.getAttribute("data-total")) };
  }

  /** Opens a field in the sidebar and clicks = (or ≠) next to one of its top values. */
  async filterOnValue(field: string, value: string, negate = false): Promise<number> {
    const item = this.page.locator(`[data-testid="field"][data-field="${field}"]`);
    const name = item.locator("button.field-name");
    if ((await name.getAttribute("aria-expanded")) !== "true") await name.click();
    const row = item.locator(`[data-testid="top-value"][data-value="${value}"]`);
    const count = Number(await row.getAttribute("data-count"));
    const before = await this.page.getByTestId("query-status").getAttribute("data-run");
    await row.getByTestId(negate ? "filter-ne" : "filter-eq").click();
    await expect(this.page.getByTestId("query-status")).not.toHaveAttribute("data-run", before ?? "");
    await expect(this.page.getByTestId("query-status")).toHaveAttribute("data-status", /done|error/);
    return count;
  }

  /** The text in the query editor. */
  async queryText(): Promise<string> {
    return (await this.page.getByTestId("query-editor").getAttribute("data-query")) ?? "";
  }

  /** Saves a full-page screenshot into the test's output folder. */
  async screenshot(name: string): Promise<string> {
    const path = test.info().outputPath(`${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}

/**
 * `investigation` opens nothing by itself; `requests` records every request the page makes and
 * fails the test if any went to another origin.
 */
export const test = base.extend<{ origin: string; investigation: Investigation; requests: string[] }>({
  // Playwright reads fixture dependencies from the destructuring pattern, so it must be present.
  // eslint-disable-next-line no-empty-pattern
  origin: async ({}, use) => {
    const port = process.env.QUARRY_PORT;
    if (!port) throw new Error("QUARRY_PORT is not set: the webServer did not print its URL");
    await use(`http://127.0.0.1:${port}`);
  },
  requests: [
    async ({ context, origin }, use) => {
      const seen: string[] = [];
      context.on("request", (r) => seen.push(r.url()));
      await use(seen);
      const foreign = seen.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:") && !u.startsWith("blob:" + origin));
      expect(foreign, "requests to another origin").toEqual([]);
    },
    { auto: true },
  ],
  investigation: async ({ page, origin }, use) => {
    await use(new Investigation(page, origin));
  },
});

export { expect };
