import { describe, expect, it } from "vitest";
import { flattenJson } from "../../src/ingest/flatten.ts";
import { Dataset, ingestBytes, runEql } from "../../src/index.ts";

describe("flattenJson", () => {
  it("flattens nested objects to dotted names, keeps arrays as multi-value fields, returns a flat object as is", () => {
    const flat = { a: 1, b: ["x", "y"] };
    expect(flattenJson(flat)).toBe(flat);
    const out = flattenJson({ a: { b: { c: 1 }, d: [1, { e: 2 }] }, f: null, g: "h" });
    expect({ ...out }).toEqual({ "a.b.c": 1, "a.d": [1, '{"e":2}'], f: null, g: "h" });
  });

  it("a __proto__ or constructor key is an ordinary field, never the record's prototype", () => {
    const out = flattenJson(JSON.parse('{"x":{"__proto__":{"polluted":1},"constructor":"c"}}'));
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(out["x.__proto__.polluted"]).toBe(1);
    expect(out["x.constructor"]).toBe("c");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("names stay right past the name cache's bound (JSON whose keys are data)", () => {
    for (let i = 0; i < 60_000; i++) {
      const out = flattenJson({ m: { [`k${i}`]: i } });
      if (out[`m.k${i}`] !== i) throw new Error(`wrong name at ${i}: ${JSON.stringify(out)}`);
    }
    expect(flattenJson({ m: { k7: 7 } })["m.k7"]).toBe(7);
  });

  it("nested NDJSON events are queryable by their dotted names", () => {
    const ds = new Dataset();
    const lines = [0, 1, 2].map((i) => JSON.stringify({ "@timestamp": 1_600_000_000_000 + i, event: { category: "process" }, process: { pid: 10 + i, parent: { pid: 1 } } }));
    ingestBytes(ds, "nested.ndjson", new TextEncoder().encode(lines.join("\n") + "\n"));
    const r = runEql(ds, "process where process.parent.pid == 1 and process.pid > 10");
    expect(r.hits.events!.map((e) => ("_source" in e ? (e._source as { process: { pid: number } }).process.pid : null))).toEqual([11, 12]);
  });
});
