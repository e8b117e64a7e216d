import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countAnswer, diffAnswers, groupedAnswer } from "../src/answer.ts";
import { toMarkdown } from "../src/report.ts";
import { OPS, peerAnswer, runBench } from "../src/run.ts";

const root = mkdtempSync(join(tmpdir(), "quarry-bench-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("bench smoke (10k events, every engine, answers cross-checked)", () => {
  it("runs end to end and every peer agrees with Quarry", async () => {
    const r = await runBench({ events: 10_000, reps: 1, ingestReps: 1, evtxCopies: 1, dataRoot: root, peers: ["duckdb-wasm", "duckdb-native", "arquero"], log: () => {} });
    // The generator's manifest is the independent count: runBench throws if Quarry's ingest disagrees.
    expect(r.events).toBeGreaterThan(9_000);
    expect(r.ops.map((o) => o.id)).toEqual(OPS);
    for (const o of r.ops) expect(Object.keys(o.peers).sort()).toEqual(["arquero", "duckdb-native", "duckdb-wasm"]);
    // The questions must select something, or agreeing on them would prove little.
    for (const o of r.ops) expect(o.answer).not.toMatch(/^0$|^0 groups/);
    expect(r.ingest.map((i) => `${i.engine} ${i.input}`)).toEqual([
      "quarry NDJSON",
      "quarry XmlWinEventLog",
      "quarry EVTX (sample files, repeated)",
      "quarry raw (all formats)",
      "duckdb-wasm CSV",
      "duckdb-native CSV",
      "arquero Arrow",
    ]);
    // The 15 EVTX samples hold 830 events (their PROVENANCE.md).
    expect(r.ingest.find((i) => i.input.startsWith("EVTX"))!.events).toBe(830);
    expect(r.memory.storeBytesPerEvent).toBeGreaterThan(0);
    const md = toMarkdown(r, ["duckdb-wasm", "duckdb-native", "arquero"], null, 1);
    expect(md).toContain("| equality filter");
    expect(md).toContain("Ingest NDJSON ≥60 MB/s");
    expect(md).toContain("Ingest XmlWinEventLog ≥30 MB/s");
  }, 120_000);

  it("a disagreement is caught: counts, bigint vs number, group lines", () => {
    expect(diffAnswers(countAnswer(5), peerAnswer("sequence", [[5n]]))).toBeNull();
    expect(diffAnswers(countAnswer(5), peerAnswer("eq", [[6n]]))).toContain('"5" vs "6"');
    const q = groupedAnswer([["venus", 3], ["mercury", 2]]);
    expect(diffAnswers(q, peerAnswer("statsHost", [["mercury", 2n], ["venus", 3n]]))).toBeNull();
    expect(diffAnswers(q, peerAnswer("statsHost", [["mercury", 2n]]))).toContain("2 vs 1 lines");
    // 53 as text in one engine and as a double in another is the same port.
    expect(diffAnswers(groupedAnswer([["10.0.0.1", "53", 1]]), peerAnswer("stats2", [["10.0.0.1", 53, 1n]]))).toBeNull();
  });
});
