import { fileURLToPath } from "node:url";
import { expect, test } from "../support/investigation.ts";

const datasets = (p: string) => fileURLToPath(new URL(`../../../shared/datasets/${p}`, import.meta.url));
const REGSVR32 = datasets("atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json");
const EVE_SMALL = datasets("suricata-eve-beats-testdata/eve-small.log");

test("two dropped files load in the worker with progress and their PROVENANCE counts", async ({ investigation, requests }) => {
  await investigation.open();
  await investigation.drop([REGSVR32, EVE_SMALL]);
  await investigation.waitForLoads();
  // PROVENANCE: 150 documents in the regsvr32 _bulk file, 8 events in eve-small.log.
  await expect(investigation.fileJob("normalized-T1117-AtomicRed-regsvr32.json")).toHaveAttribute("data-state", "done");
  expect(await investigation.eventsOf("normalized-T1117-AtomicRed-regsvr32.json")).toBe(150);
  expect(await investigation.eventsOf("eve-small.log")).toBe(8);
  await expect(investigation.page.getByTestId("total-events")).toHaveAttribute("data-count", "158");
  expect(await investigation.sourcetypeCounts()).toMatchObject({ suricata: 8 });
  expect(Object.values(await investigation.sourcetypeCounts()).reduce((a, b) => a + b, 0)).toBe(158);
  await expect(investigation.page.getByTestId("dataset-status")).toContainText("158 events");
  await expect(investigation.page.getByTestId("file-problems")).toHaveCount(0);
  // The bytes were read by the worker: the full sizes show as read.
  await expect(investigation.fileJob("eve-small.log").getByTestId("job-bytes")).toContainText("5.7 KB / 5.7 KB");
  expect(requests.some((u) => /engine\.worker-[\w-]+\.js$/.test(u))).toBe(true);
  // COOP + COEP from `quarry serve`: shared memory is available, so running queries can be cancelled.
  expect(await investigation.page.evaluate(() => crossOriginIsolated)).toBe(true);
  await investigation.screenshot("two-files-loaded");

  // Removing one file leaves the other's events.
  await investigation.page.getByTestId("loaded-summary").locator("summary").click();
  await investigation.page.locator('[data-testid="loaded-file"][data-file="normalized-T1117-AtomicRed-regsvr32.json"]').getByTestId("remove-file").click();
  await expect(investigation.page.getByTestId("total-events")).toHaveAttribute("data-count", "8");
  expect(await investigation.sourcetypeCounts()).toEqual({ suricata: 8 });
  await expect(investigation.page.getByTestId("events-total")).toHaveAttribute("data-count", "8");
});

test("bad input: empty, binary and broken-JSON files each say what is wrong; good lines still load", async ({ investigation }) => {
  await investigation.open();
  const binary = Buffer.alloc(4096);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 251;
  const good = (n: number) => JSON.stringify({ timestamp: `2024-05-01T10:00:0${n}Z`, event_type: "alert", src_ip: `10.0.0.${n}` });
  const broken = [good(1), '{"timestamp": "2024-05-01T10:00:02Z", "event_type": ', good(3), "not json at all", good(5)].join("\n") + "\n";
  await investigation.drop([
    { name: "empty.json", buffer: Buffer.alloc(0) },
    { name: "random.bin", buffer: binary },
    { name: "broken.json", buffer: Buffer.from(broken) },
  ]);
  await investigation.waitForLoads();

  const empty = investigation.fileJob("empty.json");
  await expect(empty.getByTestId("file-problems")).toContainText("empty file");
  expect(await investigation.eventsOf("empty.json")).toBe(0);

  const bin = investigation.fileJob("random.bin");
  await expect(bin.getByTestId("file-problems")).toContainText("unknown format");
  expect(await investigation.eventsOf("random.bin")).toBe(0);

  const br = investigation.fileJob("broken.json");
  expect(await investigation.eventsOf("broken.json")).toBe(3);
  const problems = br.getByTestId("problem");
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toContainText("line 2");
  await expect(problems.nth(1)).toContainText("line 4");
  await expect(investigation.page.getByTestId("total-events")).toHaveAttribute("data-count", "3");
  await investigation.screenshot("bad-input");
});

test("cancelling a load stops it and leaves nothing half-loaded", async ({ investigation, page }) => {
  await investigation.open();
  const lines: string[] = [];
  for (let i = 0; i < 300_000; i++) lines.push(`{"ts":"2024-01-01T00:00:${String(i % 60).padStart(2, "0")}Z","event_type":"flow","n":${i},"pad":"${"x".repeat(40)}"}`);
  await investigation.drop([{ name: "huge.json", buffer: Buffer.from(lines.join("\n") + "\n") }]);
  const job = investigation.fileJob("huge.json");
  // Wait until the worker has read some of it, then cancel.
  await expect(job.getByTestId("job-events")).not.toHaveAttribute("data-count", "0");
  await job.getByRole("button", { name: "Cancel loading huge.json" }).click();
  await expect(job).toHaveAttribute("data-state", "cancelled");
  expect(await investigation.eventsOf("huge.json")).toBeLessThan(300_000);
  await expect(page.getByTestId("dataset-status")).toContainText("No data loaded");
  // The engine still works: a small file loads after the cancelled one.
  await investigation.drop([{ name: "small.json", buffer: Buffer.from('{"ts":"2024-01-01T00:00:00Z","event_type":"alert"}\n') }]);
  await investigation.waitForLoads();
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", "1");
});

test("a real drag-and-drop onto the drop zone loads the dropped files", async ({ investigation, page }) => {
  await investigation.open();
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"ts":"2024-01-01T00:00:00Z","event_type":"dns"}\n{"ts":"2024-01-01T00:00:01Z","event_type":"dns"}\n'], "dropped-1.json"));
    dt.items.add(new File(['{"ts":"2024-01-01T00:00:02Z","event_type":"http"}\n'], "dropped-2.json"));
    return dt;
  });
  await page.getByTestId("dropzone").dispatchEvent("dragover", { dataTransfer });
  await expect(page.getByTestId("dropzone")).toHaveClass(/over/);
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer });
  await investigation.waitForLoads();
  expect(await investigation.eventsOf("dropped-1.json")).toBe(2);
  expect(await investigation.eventsOf("dropped-2.json")).toBe(1);
  await expect(page.getByTestId("total-events")).toHaveAttribute("data-count", "3");
});
