import type { Page } from "@playwright/test";
import { expect } from "../support/investigation.ts";

/** The analyst views, in an analyst's words (tabs of the dock under the events). */
export class Views {
  constructor(readonly page: Page) {}

  /** Opens a tab of the views dock (no-op when it is open). */
  async open(tab: "pivot" | "sankey" | "tree" | "decode" | "lookups"): Promise<void> {
    const dock = this.page.getByTestId("views-dock");
    if ((await dock.getAttribute("data-tab")) !== tab) await this.page.getByTestId(`views-tab-${tab}`).click();
    await expect(dock).toHaveAttribute("data-tab", tab);
  }

  /** Types a host into the open view's host box and applies it. */
  async host(name: string): Promise<void> {
    const box = this.page.getByTestId("view-host");
    await box.fill(name);
    await box.press("Enter");
  }

  /** Pivots to an entity through the pivot form. */
  async pivotTo(kind: "host" | "user" | "process" | "ip", value: string): Promise<void> {
    await this.open("pivot");
    await this.page.getByTestId("pivot-kind").selectOption(kind);
    await this.page.getByTestId("pivot-value").fill(value);
    await this.page.getByTestId("pivot-go").click();
    await expect(this.page.getByTestId("pivot-summary")).toHaveAttribute("data-value", value);
  }

  /** The values (and counts) of one related-entity group of the pivot summary. */
  async related(title: string): Promise<Record<string, number>> {
    const items = this.page.locator(`[data-testid="related"][data-title="${title}"] [data-testid="related-item"]`);
    const out: Record<string, number> = {};
    for (const it of await items.all()) out[(await it.getAttribute("data-value"))!] = Number(await it.getAttribute("data-count"));
    return out;
  }

  /** Selects the whole text of an element, as a mouse drag would, and presses the "Decode" button that appears. */
  async selectAndDecode(selector: string): Promise<void> {
    const el = this.page.locator(selector).first();
    await el.evaluate((node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
    });
    const box = (await el.boundingBox())!;
    await this.page.mouse.move(box.x + 5, box.y + 5);
    await this.page.mouse.up();
    await this.page.getByTestId("selection-decode").click();
    await expect(this.page.getByTestId("views-dock")).toHaveAttribute("data-tab", "decode");
  }

  /** The Sankey's links as "source → target" (with host) strings. */
  async sankeyLinks(): Promise<Array<{ source: string; target: string; host: string; count: number }>> {
    const links = this.page.getByTestId("sankey-link");
    const out = [];
    for (const l of await links.all()) {
      out.push({ source: (await l.getAttribute("data-source"))!, target: (await l.getAttribute("data-target"))!, host: (await l.getAttribute("data-host"))!, count: Number(await l.getAttribute("data-count")) });
    }
    return out;
  }
}
