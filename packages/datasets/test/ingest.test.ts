import { describe, expect, it } from "vitest";
import { FILES } from "../src/index.ts";
import { loadGenerated } from "./load.ts";

describe("every generated file loads through the engine", () => {
  const { manifest, summaries, ds } = loadGenerated(20000, "botsv2");

  it("with zero ingest problems", () => {
    for (const s of summaries) {
      expect({ file: s.file, problems: s.problemTotal, counts: s.problemCounts, first: s.problems[0]?.reason }).toEqual({ file: s.file, problems: 0, counts: {}, first: undefined });
    }
  });

  it("detected by content as the sourcetype BOTSv2 gave it, with the manifest's event counts", () => {
    expect(summaries.map((s) => s.file).sort()).toEqual(FILES.map((f) => f.name).sort());
    for (const s of summaries) {
      const spec = FILES.find((f) => f.name === s.file)!;
      const m = manifest.files.find((f) => f.name === s.file)!;
      expect(s.sourcetypes, s.file).toEqual({ [spec.sourcetype]: m.events });
      expect(s.bytes, s.file).toBe(m.bytes);
    }
    expect(ds.rowCount).toBe(manifest.events);
  });

  it("has about the requested number of events, every one timestamped inside August 2017 (Pacific)", () => {
    expect(manifest.events).toBeGreaterThan(20000 * 0.9);
    expect(manifest.events).toBeLessThan(20000 * 1.1);
    const start = Date.parse(manifest.timeRange.start);
    // Process exits and flows that end after midnight of Aug 31 may spill a few minutes over.
    const end = Date.parse(manifest.timeRange.end) + 6 * 3600_000;
    for (const seg of ds.segments) {
      for (let r = 0; r < seg.rowCount; r++) {
        const t = seg.time[r]!;
        if (!(t >= start && t < end)) throw new Error(`${seg.sourcetype} row ${r}: time ${t} (${new Date(t).toISOString()}) outside the month`);
      }
    }
  });

  it("each file is written in time order (to the millisecond), except Zeek conn.log which is ordered by connection end", () => {
    for (const seg of ds.segments) {
      if (seg.sourcetype === "bro:conn") continue;
      // Rows are sorted by (time, seq) and seq is the order in the file: a time-ordered file has ascending seq up to same-ms ties.
      const order = Array.from({ length: seg.rowCount }, (_, r) => r).sort((a, b) => seg.seq[a]! - seg.seq[b]!);
      let last = -Infinity;
      for (const r of order) {
        const ms = Math.floor(seg.time[r]!);
        if (ms < last) throw new Error(`${seg.sourcetype}: event ${seg.seq[r]} at ${new Date(ms).toISOString()} after one at ${new Date(last).toISOString()}`);
        last = ms;
      }
    }
  });

  it("every source has a host or addresses", () => {
    for (const seg of ds.segments) {
      const hasHost = seg.columns.has("host");
      const hasIp = ["src_ip", "clientip", "src", "dest_ip", "id.orig_h"].some((f) => seg.columns.has(f));
      expect(hasHost || hasIp, seg.sourcetype).toBe(true);
    }
  });
});
