/**
 * Posting lists of small-integer columns (src/exec/num-postings.ts): the rows they give equal a
 * scan's for any literals and row range, and an EQL filter answers the same on its first run
 * (the lists are built) and after.
 */
import { describe, expect, it } from "vitest";
import { postingsSelect } from "../../src/exec/num-postings.ts";
import { Dataset, ingestBytes, runEql } from "../../src/index.ts";
import { rng } from "../support/rng.ts";

const scan = (values: Float64Array, lits: number[], lo: number, hi: number): number[] => {
  const out: number[] = [];
  for (let r = lo; r < hi; r++) if (lits.includes(values[r]!)) out.push(r);
  return out;
};

describe("small-integer posting lists", () => {
  it("select exactly the rows a scan selects, for any literals and row range", () => {
    const rand = rng(5);
    const values = Float64Array.from({ length: 20_000 }, () => (rand() < 0.1 ? NaN : [0, 1, 7, 80, 443, 65535][Math.floor(rand() * 6)]!));
    const out = new Uint32Array(values.length);
    const cases: Array<[number[], number, number]> = [
      [[7], 0, values.length],
      [[80, 443], 0, values.length],
      [[443, 80, 443, 9], 123, 17_777],
      [[0, 65535, 1], 5000, 5001],
      [[9, 10], 0, values.length],
      [[1, 7, 80, 443, 0, 65535], 19_000, 20_000],
    ];
    for (const [lits, lo, hi] of cases) {
      const n = postingsSelect(values, true, lits, lo, hi, out);
      expect({ lits, lo, hi, rows: Array.from(out.subarray(0, n)) }).toEqual({ lits, lo, hi, rows: scan(values, lits, lo, hi) });
    }
  });

  it("leave small columns, columns of other numbers and long literal lists to the scan", () => {
    const out = new Uint32Array(100_000);
    const small = new Float64Array(100).fill(3);
    expect(postingsSelect(small, true, [3], 0, 100, out)).toBe(-1);
    const other = new Float64Array(10_000).fill(1.5);
    expect(postingsSelect(other, false, [1], 0, 10_000, out)).toBe(-1);
    const many = new Float64Array(10_000).map((_, i) => i % 20);
    expect(postingsSelect(many, true, [0, 1, 2, 3, 4, 5, 6, 7, 8], 0, 10_000, out)).toBe(-1);
  });

  it("an EQL `in` / `==` filter answers what the data says, on every run", () => {
    const rand = rng(9);
    const lines: string[] = [];
    for (let i = 0; i < 9000; i++) {
      const e: Record<string, unknown> = { "@timestamp": 1_600_000_000_000 + Math.floor(rand() * 1e6), event: { category: "network" }, n: i };
      if (rand() > 0.05) e.port = [22, 53, 80, 443, 3389][Math.floor(rand() * 5)];
      lines.push(JSON.stringify(e));
    }
    const ds = new Dataset();
    ingestBytes(ds, "ports.ndjson", new TextEncoder().encode(lines.join("\n") + "\n"));
    const ns = (q: string) => runEql(ds, q, { size: 100_000 }).hits.events!.map((h) => ("_source" in h ? (h._source as { n: number }).n : -1));
    for (const q of ["network where port in (22, 53, 3389)", "network where port == 443", "network where port in (8080)"]) {
      const first = ns(q);
      const want = lines.map((l) => JSON.parse(l) as { port?: number; n: number; "@timestamp": number });
      const ports = q.includes("443") ? [443] : q.includes("8080") ? [8080] : [22, 53, 3389];
      const expected = want.filter((e) => e.port !== undefined && ports.includes(e.port)).sort((a, b) => a["@timestamp"] - b["@timestamp"] || a.n - b.n).map((e) => e.n);
      expect(first).toEqual(expected);
      expect(ns(q)).toEqual(first);
      expect(ns(q)).toEqual(first);
    }
  });
});
