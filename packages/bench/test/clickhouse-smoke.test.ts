/**
 * The whole ClickHouse benchmark pipeline at a small size: generate, start a private server, load
 * the local-size set and a larger one, time the questions, cross-check every answer against the
 * local engine (the run throws on a difference), report.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { haveClickHouse, loadToClickHouse, startClickHouseServer } from "@quarry/clickhouse";
import { diffAnswers } from "../src/answer.ts";
import { clickhouseMarkdown } from "../src/clickhouse-report.ts";
import { CH_OPS, clickhouseRun, runClickHouseBench } from "../src/clickhouse-run.ts";
import { prepareRaw } from "../src/data.ts";
import { quarryAnswer, quarryIngest, quarryRun } from "../src/quarry-ops.ts";

const root = mkdtempSync(join(tmpdir(), "quarry-bench-ch-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!haveClickHouse)("ClickHouse bench smoke (10k local, 20k in ClickHouse)", () => {
  it("runs end to end; ClickHouse answers equal the local engine's", async () => {
    const r = await runClickHouseBench({ events: 20_000, localEvents: 10_000, reps: 1, dataRoot: root, log: () => {} });
    expect(r.ops.map((o) => o.id)).toEqual([...CH_OPS]);
    // runClickHouseBench throws on any difference; here the questions must also select something.
    for (const o of r.ops) {
      expect(o.answer).not.toMatch(/^0$|^0 groups/);
      expect(o.scaleAnswer).not.toMatch(/^0$|^0 groups/);
    }
    expect(r.crossChecks).toHaveLength(CH_OPS.length + 1);
    expect(r.loads.map((l) => l.what.split(" (")[0])).toEqual(["Quarry local ingest", "ClickHouse load", "ClickHouse load"]);
    const [ingest, small, big] = r.loads;
    expect(small!.events).toBe(ingest!.events);
    expect(big!.events).toBeGreaterThan(small!.events);
    for (const l of r.loads.slice(1)) {
      expect(l.eventsPerSec).toBeGreaterThan(0);
      expect(l.serverCpuSeconds).toBeGreaterThan(0);
      expect(l.parts).toBeGreaterThan(0);
    }
    const md = clickhouseMarkdown(r);
    expect(md).toContain("| stats count by host |");
    expect(md).toContain("| 3-stage sequence by pid, maxspan=5m |");
    expect(md).toContain("| ClickHouse load (");
  }, 180_000);

  it("the cross-check sees a difference: half the files loaded disagree with the local answer, all of them agree", async () => {
    const data = prepareRaw(root, 10_000);
    const files = data.rawFiles.map((f) => ({ name: basename(f.path), bytes: new Uint8Array(readFileSync(f.path)) }));
    const want = quarryAnswer("statsHost", quarryRun(quarryIngest(files).ds, "statsHost"));
    const server = await startClickHouseServer();
    try {
      const target = { url: server.url, dataset: "halves" };
      const even = data.rawFiles.filter((_, i) => i % 2 === 0).map((f) => f.path);
      const odd = data.rawFiles.filter((_, i) => i % 2 === 1).map((f) => f.path);
      expect((await loadToClickHouse(target, even)).every((x) => x.status === "loaded")).toBe(true);
      expect(diffAnswers(want, quarryAnswer("statsHost", await clickhouseRun(target, "statsHost")))).not.toBeNull();
      expect((await loadToClickHouse(target, odd)).every((x) => x.status === "loaded")).toBe(true);
      expect(diffAnswers(want, quarryAnswer("statsHost", await clickhouseRun(target, "statsHost")))).toBeNull();
    } finally {
      await server.stop();
    }
  }, 120_000);
});
