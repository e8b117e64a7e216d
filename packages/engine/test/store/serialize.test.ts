import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, columnOf, deserializeDataset, ingestBytes, serializeDataset, valueAt } from "../../src/index.ts";

const DATA = "../../../../../shared/datasets/";
const read = (rel: string) => readFileSync(new URL(DATA + rel, import.meta.url));
const enc = (s: string) => new TextEncoder().encode(s);

/** Everything observable about a dataset, as text (NaN kept distinct from null). */
function snapshot(ds: Dataset): string {
  return JSON.stringify(snapshotData(ds), (_k, v: unknown) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v));
}

function snapshotData(ds: Dataset): unknown {
  return {
    nextSeq: ds.nextSeq,
    fieldTypes: [...ds.fieldTypes],
    dicts: [...ds.dicts].map(([name, d]) => [name, [...d.values]]),
    segments: ds.segments.map((seg) => ({
      id: seg.id,
      sourcetype: seg.sourcetype,
      rowCount: seg.rowCount,
      time: [...seg.time],
      seq: [...seg.seq],
      raw: [...seg.raw],
      aliases: [...seg.aliases],
      columns: [...seg.columns].map(([name, col]) => [
        name,
        col.kind,
        col.kind === "str" ? Boolean(col.boolean) : null,
        Array.from({ length: seg.rowCount }, (_, r) => valueAt(col, r)),
      ]),
    })),
  };
}

describe("serializeDataset / deserializeDataset", () => {
  it("round-trips a mixed dataset exactly (XML, Zeek sets, PAN numbers, JSON booleans, NaN times)", () => {
    const ds = new Dataset();
    ingestBytes(ds, "sysmon.log", read("evtx-derived-xmlwineventlog/sysmon_xmlwineventlog.log"));
    ingestBytes(ds, "conn.log", read("zeek-btest-baselines/opt.basic__conn.log"));
    ingestBytes(ds, "ssl.log", read("zeek-soc-lab/ssl.log"));
    ingestBytes(ds, "pan.log", read("pan-traffic-beats-testdata/traffic_subset.log"));
    ingestBytes(ds, "eve.log", read("suricata-eve-beats-testdata/eve-small.log"));
    // A lone surrogate (from a JSON escape), a BOM inside a value, empty strings, no time.
    ingestBytes(ds, "odd.json", enc('{"a":"\\ud800x","b":"\\ufeffbom","c":"","ok":true}\n{"a":"plain","ok":false,"n":[1,2]}\n'));
    ds.fieldTypes.set("dest_port", "number");
    const bytes = serializeDataset(ds);
    const back = deserializeDataset(bytes);
    expect(snapshot(back) === snapshot(ds)).toBe(true);
    expect(back.rowCount).toBe(696 + 34 + 68 + 14 + 8 + 2);
    // Serialising the copy gives the same bytes.
    expect(Buffer.compare(serializeDataset(back), bytes)).toBe(0);
    // Dictionaries stay shared per field and searchable after loading.
    const seg = back.segments.find((s) => s.sourcetype === "pan:traffic")!;
    expect(valueAt(columnOf(seg, "dest_port"), 0)).toBe(443);
    expect(back.dict("src_ip").lookup("192.168.15.207")).toBeGreaterThan(0);
    const odd = back.segments.find((s) => s.sourcetype === "_json")!;
    expect(valueAt(columnOf(odd, "a"), 0)).toBe("\ud800x");
    expect(valueAt(columnOf(odd, "b"), 0)).toBe("\ufeffbom");
  });

  it("survives an unaligned copy of the bytes", () => {
    const ds = new Dataset();
    ingestBytes(ds, "pan.log", read("pan-traffic-beats-testdata/traffic_subset.log"));
    const bytes = serializeDataset(ds);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(snapshot(deserializeDataset(shifted.subarray(3))) === snapshot(ds)).toBe(true);
  });

  it("rejects bytes that are not a dataset, and truncated ones", () => {
    expect(() => deserializeDataset(enc("hello world, not a dataset"))).toThrow(/bad magic/);
    const ds = new Dataset();
    ingestBytes(ds, "pan.log", read("pan-traffic-beats-testdata/traffic_subset.log"));
    const bytes = serializeDataset(ds);
    expect(() => deserializeDataset(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated/);
  });
});
