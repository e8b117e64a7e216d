/**
 * The filter's shortcuts — a numeric test selected straight from the Float64Array, and predicates
 * that are constant over a segment (`*`, fields the segment lacks) — select exactly the events the
 * row evaluator says are true. Several files make several segments: in some the field is numeric,
 * in some text, in some absent; values include missing ones, negatives, fractions and zero.
 */
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import type { Expr } from "../../src/lang/plan.ts";
import { rowReader, selectEvents } from "../../src/exec/filter.ts";
import { evalExpr, truth } from "../../src/exec/expr.ts";

function dataset(): Dataset {
  const ds = new Dataset();
  const lines = (docs: object[]) => new TextEncoder().encode(docs.map((d) => JSON.stringify(d)).join("\n"));
  const t = (i: number) => `2024-01-01T00:00:${String(i % 60).padStart(2, "0")}Z`;
  // 65558 and 2^32 + 22 would alias port 22 in a 16-bit table without the range and integer checks.
  const ports = [22, 53, 3389, 80, 0, -1, 2.5, 443, 53, 22, 65558, 4294967318];
  ingestBytes(ds, "num.ndjson", lines(Array.from({ length: 40 }, (_, i) => ({ "@timestamp": t(i), n: i, ...(i % 7 === 3 ? {} : { port: ports[i % ports.length] }) }))));
  // The same field as text in another file: its own segment with a dictionary column.
  ingestBytes(ds, "text.csv", new TextEncoder().encode("_time,n,port\n" + Array.from({ length: 12 }, (_, i) => `2024-01-01T00:01:0${i % 10}Z,${100 + i},${i % 3 === 0 ? "" : String(ports[i % ports.length])}`).join("\n")));
  // Only small integers, without 53 or 3389: its presence bitset lets `in`/`==` skip it, or not.
  ingestBytes(ds, "web.ndjson", lines(Array.from({ length: 30 }, (_, i) => ({ "@timestamp": t(i), n: 300 + i, port: [80, 443, 8080][i % 3], ...(i === 7 ? { port: 22 } : {}) }))));
  // A segment without the field at all.
  ingestBytes(ds, "none.ndjson", lines(Array.from({ length: 9 }, (_, i) => ({ "@timestamp": t(i), n: 200 + i, other: "x" }))));
  return ds;
}

/** The definition: every event, in global order, for which the row evaluator says true. */
function byEvaluator(ds: Dataset, where: Expr): Array<[number, number]> {
  const all = selectEvents(ds, { kind: "literal", value: true });
  const out: Array<[number, number]> = [];
  for (let i = 0; i < all.length; i++) {
    const reader = rowReader(ds.segments[all.seg[i]!]!);
    reader.at(all.row[i]!);
    if (truth(evalExpr(where, reader.get)) === true) out.push([all.seg[i]!, all.row[i]!]);
  }
  return out;
}

function selected(ds: Dataset, where: Expr): Array<[number, number]> {
  const l = selectEvents(ds, where);
  return Array.from({ length: l.length }, (_, i) => [l.seg[i]!, l.row[i]!]);
}

const port: Expr = { kind: "field", name: "port" };
const num = (value: number): Expr => ({ kind: "literal", value });
const cmp = (op: "==" | "!=" | "<" | "<=" | ">" | ">=", value: number): Expr => ({ kind: "compare", op, left: port, right: num(value), caseInsensitive: false });
const isIn = (...values: number[]): Expr => ({ kind: "in", target: port, values: values.map(num), caseInsensitive: false });

describe("filter shortcuts", () => {
  const ds = dataset();

  it("the dataset has the field numeric, as text and absent in different segments", () => {
    const kinds = ds.segments.map((s) => s.columns.get("port")?.kind ?? "absent").sort();
    expect(kinds).toEqual(["absent", "num", "num", "str"]);
  });

  const cases: Array<[string, Expr]> = [
    ["in (22, 53, 3389)", isIn(22, 53, 3389)],
    ["in with one literal", isIn(0)],
    ["in with six literals", isIn(22, 53, 3389, 80, 443, -1)],
    ["in with NaN among six literals", isIn(22, NaN, 3389, 80, 443, -1)],
    ["== 53", cmp("==", 53)],
    ["== 8080 (only in the small-integer segment)", cmp("==", 8080)],
    ["in (53, 3389): none in the small-integer segment", isIn(53, 3389)],
    ["in (22, 9999): one row of the small-integer segment", isIn(22, 9999)],
    ["!= 53 (absent is not selected)", cmp("!=", 53)],
    ["< 53", cmp("<", 53)],
    ["<= 53", cmp("<=", 53)],
    ["> 2.5", cmp(">", 2.5)],
    [">= 0", cmp(">=", 0)],
    ["!= NaN", cmp("!=", NaN)],
    ["a field no segment has", { kind: "compare", op: "==", left: { kind: "field", name: "nope" }, right: num(1), caseInsensitive: false }],
    ["isNull of a field some segments lack", { kind: "isNull", arg: port }],
    ["not (port == 22): unknown where absent", { kind: "not", arg: cmp("==", 22) }],
    ["or with an absent field", { kind: "or", args: [{ kind: "isNull", arg: { kind: "field", name: "other" } }, cmp("==", 22)] }],
    ["and of a constant and a test", { kind: "and", args: [{ kind: "literal", value: true }, cmp(">", 50)] }],
    // `other` holds "x" in every row of its one segment: answered per segment, not per row.
    ["a field with one value in its segment, matching", { kind: "compare", op: "==", left: { kind: "field", name: "other" }, right: { kind: "literal", value: "x" }, caseInsensitive: false }],
    ["a field with one value in its segment, not matching", { kind: "compare", op: "==", left: { kind: "field", name: "other" }, right: { kind: "literal", value: "y" }, caseInsensitive: false }],
    ["a field with one value, negated", { kind: "not", arg: { kind: "compare", op: "==", left: { kind: "field", name: "other" }, right: { kind: "literal", value: "x" }, caseInsensitive: false } }],
    ["literal true", { kind: "literal", value: true }],
    ["literal false", { kind: "literal", value: false }],
  ];
  for (const [name, where] of cases) {
    it(name, () => {
      const want = byEvaluator(ds, where);
      expect(selected(ds, where)).toEqual(want);
    });
  }

  it("a time range and EQL's row filter apply to the shortcuts too", () => {
    const range = { earliest: Date.parse("2024-01-01T00:00:05Z"), latest: Date.parse("2024-01-01T00:01:03Z") };
    for (const where of [isIn(22, 53), cmp(">=", 0), { kind: "literal", value: true } as Expr]) {
      const inRange = byEvaluator(ds, where).filter(([s, r]) => {
        const t = ds.segments[s]!.time[r]!;
        return t >= range.earliest && t < range.latest;
      });
      const l = selectEvents(ds, where, { timeRange: range });
      expect(Array.from({ length: l.length }, (_, i) => [l.seg[i]!, l.row[i]!])).toEqual(inRange);
      // Keep only even rows: the row filter EQL uses for events without a timestamp.
      const even = selectEvents(ds, where, { timeRange: range, rowFilter: (seg) => Uint8Array.from({ length: seg.rowCount }, (_, r) => (r % 2 === 0 ? 1 : 0)) });
      expect(Array.from({ length: even.length }, (_, i) => [even.seg[i]!, even.row[i]!])).toEqual(inRange.filter(([, r]) => r % 2 === 0));
    }
  });
});
