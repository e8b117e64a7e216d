import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, columnOf, ingestBytes, valueAt } from "../src/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("ingest: line-delimited JSON and text", () => {
  it("loads the 8 events of the Suricata beats sample", () => {
    const ds = new Dataset();
    const bytes = readFileSync(new URL("../../../../shared/datasets/suricata-eve-beats-testdata/eve-small.log", import.meta.url));
    const summary = ingestBytes(ds, "eve-small.log", bytes);
    expect(summary.events).toBe(8);
    expect(summary.problemTotal).toBe(0);
    expect(ds.rowCount).toBe(8);
  });

  it("flattens nested objects, keeps arrays as multi-values, sorts by time", () => {
    const ds = new Dataset();
    const text = [
      '{"@timestamp":"2020-01-01T00:00:02Z","a":{"b":1},"tags":["x","y"]}',
      '{"@timestamp":"2020-01-01T00:00:01Z","a":{"b":"two"}}',
    ].join("\n");
    ingestBytes(ds, "t.json", enc(text));
    const seg = ds.segments[0]!;
    expect(seg.time[0]).toBe(Date.UTC(2020, 0, 1, 0, 0, 1));
    expect(valueAt(columnOf(seg, "a.b"), 0)).toBe("two");
    expect(valueAt(columnOf(seg, "a.b"), 1)).toBe("1");
    expect(valueAt(columnOf(seg, "tags"), 1)).toEqual(["x", "y"]);
    expect(valueAt(columnOf(seg, "tags"), 0)).toBeNull();
  });

  it("reports broken lines with their numbers and keeps the good ones", () => {
    const ds = new Dataset();
    const s = ingestBytes(ds, "b.json", enc('{"a":1}\n{broken\n{"a":3}\n'));
    expect(s.events).toBe(2);
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toMatchObject({ file: "b.json", line: 2 });
    expect(s.problems[0]!.reason).toMatch(/invalid JSON/);
  });

  it("reports an empty file and a binary blob", () => {
    const ds = new Dataset();
    expect(ingestBytes(ds, "empty.log", enc("")).problems[0]!.reason).toMatch(/empty file/);
    const blob = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    const s = ingestBytes(ds, "blob.bin", blob);
    expect(s.events).toBe(0);
    expect(s.problems[0]!.reason).toMatch(/unknown format/);
  });
});
