import { fileURLToPath } from "node:url";
import { expect, test } from "../support/investigation.ts";

const datasets = (p: string) => fileURLToPath(new URL(`../../../shared/datasets/${p}`, import.meta.url));
const REGSVR32 = datasets("atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json");
const EVE_SMALL = datasets("suricata-eve-beats-testdata/eve-small.log");

test("event text with <script> and <img onerror> payloads renders as text and runs nothing", async ({ investigation, page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await investigation.open();
  const payloads = [
    { timestamp: "2024-03-01T12:00:00Z", event_type: "http", url: "/search?q=<script>window.__pwned=1;alert(1)</script>" },
    { timestamp: "2024-03-01T12:00:01Z", event_type: "http", user_agent: '<img src=x onerror="window.__pwned=2;alert(2)">' },
    { timestamp: "2024-03-01T12:00:02Z", event_type: "http", note: "' OR 1=1 -- <b>bold?</b>" },
  ];
  await investigation.drop([{ name: "xss.json", buffer: Buffer.from(payloads.map((p) => JSON.stringify(p)).join("\n") + "\n") }]);
  await investigation.waitForLoads();
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "3");
  const rows = page.getByTestId("event-row");
  await expect(rows.nth(0)).toContainText("<script>window.__pwned=1;alert(1)</script>");
  await expect(rows.nth(1)).toContainText('<img src=x onerror=\\"window.__pwned=2;alert(2)\\">');

  const detail = await investigation.expandEvent(1);
  await expect(detail.getByTestId("event-raw")).toContainText('"user_agent": "<img src=x onerror=\\"window.__pwned=2;alert(2)\\">"');
  await expect(detail.getByTestId("event-fields")).toContainText('<img src=x onerror="window.__pwned=2;alert(2)">');
  await investigation.expandEvent(0);
  await investigation.expandEvent(2);
  await expect(page.getByTestId("event-fields")).toContainText("<b>bold?</b>");

  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  // No element came from the payloads: the page has no <img> and only the app's own <script>.
  await expect(page.locator("main img, main script, main b")).toHaveCount(0);
  await investigation.screenshot("xss-as-text");
});

test("brushing the timeline narrows the time range and the events table follows", async ({ investigation, page }) => {
  await investigation.open();
  await investigation.drop([REGSVR32, EVE_SMALL]);
  await investigation.waitForLoads();
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "158");
  await expect(page.getByTestId("timechart")).toHaveAttribute("data-total", "158");
  // The 8 Suricata events are on 2018-07-05, the regsvr32 run on 2018-12-04: the first tenth of
  // the timeline holds exactly the Suricata events.
  await investigation.brushTimeline(0, 0.1);
  await expect(page.getByTestId("time-range")).toBeVisible();
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "8");
  await expect(page.getByTestId("event-row").first()).toContainText("suricata");
  await expect(page.getByTestId("timechart")).toHaveAttribute("data-total", "8");
  // Fields follow the range: the regsvr32 run's dll.name is gone.
  await expect(page.locator('[data-testid="field"][data-field="dll.name"]')).toHaveCount(0);
  await investigation.screenshot("brushed");
  await page.getByTestId("reset-range").click();
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "158");

  // Absolute bounds typed in the picker (UTC): the Suricata day only.
  await page.getByTestId("time-picker").click();
  await page.getByLabel("From", { exact: true }).fill("2018-07-05 00:00:00");
  await page.getByLabel("To", { exact: true }).fill("2018-07-06 00:00:00");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "8");
  await page.getByTestId("reset-range").click();
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "158");

  // With a query shown, brushing re-runs it over the range.
  await investigation.runQuery("spl", "*");
  expect(await investigation.result()).toEqual({ kind: "events", total: 158 });
  await investigation.brushTimeline(0, 0.1);
  await expect(page.getByTestId("result-summary")).toHaveAttribute("data-total", "8");
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", "8");
});

test("200k events: the table scrolls to the last row without freezing the page", async ({ investigation, page }) => {
  test.setTimeout(180_000);
  await investigation.open();
  const N = 200_000;
  const start = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < N; i++) lines.push(`{"ts":"${new Date(start + i * 1000).toISOString()}","event_type":"flow","n":${i},"src_ip":"10.0.${(i >> 8) & 255}.${i & 255}"}`);
  const body = Buffer.from(lines.join("\n") + "\n");
  const t0 = Date.now();
  await investigation.drop([{ name: "big.json", buffer: body }]);
  await investigation.waitForLoads();
  const loadMs = Date.now() - t0;
  expect(await investigation.eventsOf("big.json")).toBe(N);
  await expect(page.getByTestId("events-total")).toHaveAttribute("data-count", String(N));

  // Watch the main thread: the longest gap between animation frames while scrolling.
  await page.evaluate(() => {
    const w = window as { __maxGap?: number; __stop?: boolean };
    w.__maxGap = 0;
    let last = performance.now();
    const tick = (now: number) => {
      w.__maxGap = Math.max(w.__maxGap!, now - last);
      last = now;
      if (!w.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const scroller = page.getByTestId("events-scroll");
  for (const f of [0.25, 0.5, 0.75, 1]) {
    await scroller.evaluate((el, frac) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * frac;
    }, f);
    await page.waitForTimeout(150);
  }
  const last = page.locator(`[data-testid="event-row"][data-index="${N - 1}"]`);
  await expect(last).toContainText(`"n":${N - 1}`);
  const maxGap = await page.evaluate(() => {
    const w = window as { __maxGap?: number; __stop?: boolean };
    w.__stop = true;
    return w.__maxGap!;
  });
  test.info().annotations.push({ type: "max frame gap while scrolling (ms)", description: String(Math.round(maxGap)) });
  console.log(`200k events (${(body.length / 1e6).toFixed(1)} MB): dropped to loaded in ${loadMs} ms; longest frame gap while scrolling ${Math.round(maxGap)} ms`);
  expect(maxGap).toBeLessThan(1000);
  await investigation.screenshot("scrolled-to-end");
});
