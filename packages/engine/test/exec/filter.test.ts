/**
 * The columnar filter and the row evaluator on a small hand-built dataset, against answers
 * worked out by hand: three-valued logic, per-dictionary-value predicates, numeric columns,
 * multi-value fields, wildcards, Lucene regexes, SPL terms, time ranges and cancellation.
 */
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import type { Expr } from "../../src/lang/plan.ts";
import { cancelToken, CancelledError } from "../../src/exec/cancel.ts";
import { selectEvents } from "../../src/exec/filter.ts";
import { evalExpr } from "../../src/exec/expr.ts";
import { executePlan } from "../../src/exec/run.ts";
import { runEql } from "../../src/api/eql.ts";

const DOCS = [
  { "@timestamp": "2024-01-01T00:00:01Z", id: 1, name: "cmd.exe", pid: 10, tags: ["a", "b"], msg: "user login failed" },
  { "@timestamp": "2024-01-01T00:00:02Z", id: 2, name: "CMD.EXE", pid: 20, tags: ["c"], msg: "failure: disk" },
  { "@timestamp": "2024-01-01T00:00:03Z", id: 3, name: "powershell.exe", pid: 10, msg: "Failed again" },
  { "@timestamp": "2024-01-01T00:00:04Z", id: 4, pid: "30", tags: ["b"], msg: "ok" },
  { "@timestamp": "2024-01-01T00:00:05Z", id: 5, name: "regsvr32.exe", ver: "1.10.0" },
];

function dataset(): Dataset {
  const ds = new Dataset();
  ingestBytes(ds, "docs.ndjson", new TextEncoder().encode(DOCS.map((d) => JSON.stringify(d)).join("\n")));
  return ds;
}

const field = (name: string): Expr => ({ kind: "field", name });
const lit = (value: string | number | boolean | null): Expr => ({ kind: "literal", value });
const eq = (l: Expr, r: Expr, caseInsensitive = false): Expr => ({ kind: "compare", op: "==", left: l, right: r, caseInsensitive });

function ids(ds: Dataset, where: Expr): number[] {
  const list = selectEvents(ds, where);
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const seg = ds.segments[list.seg[i]!]!;
    const col = seg.columns.get("id")!;
    out.push(col.kind === "num" ? col.values[list.row[i]!]! : NaN);
  }
  return out;
}

describe("selectEvents", () => {
  const ds = dataset();

  it("matches a string field case-sensitively or not", () => {
    expect(ids(ds, eq(field("name"), lit("cmd.exe")))).toEqual([1]);
    expect(ids(ds, eq(field("name"), lit("cmd.exe"), true))).toEqual([1, 2]);
  });

  it("keeps only true rows: a missing field makes a comparison unknown, and NOT unknown stays unknown", () => {
    const notCmd: Expr = { kind: "not", arg: eq(field("name"), lit("cmd.exe")) };
    // id 4 has no name: name != "cmd.exe" is unknown there, so it is not kept.
    expect(ids(ds, notCmd)).toEqual([2, 3, 5]);
    expect(ids(ds, { kind: "or", args: [notCmd, eq(field("id"), lit(4))] })).toEqual([2, 3, 4, 5]);
    expect(ids(ds, { kind: "isNull", arg: field("name") })).toEqual([4]);
    expect(ids(ds, { kind: "compare", op: "!=", left: field("name"), right: lit(null), caseInsensitive: false })).toEqual([1, 2, 3, 5]);
  });

  it("compares numbers held as numbers or as text", () => {
    expect(ids(ds, { kind: "compare", op: ">=", left: field("pid"), right: lit(20), caseInsensitive: false })).toEqual([2, 4]);
    expect(ids(ds, eq(field("pid"), lit(30)))).toEqual([4]);
  });

  it("matches any value of a multi-value field", () => {
    expect(ids(ds, eq(field("tags"), lit("b")))).toEqual([1, 4]);
    expect(ids(ds, { kind: "in", target: field("tags"), values: [lit("c"), lit("z")], caseInsensitive: false })).toEqual([2]);
  });

  it("applies wildcards and whole-value Lucene regexes", () => {
    expect(ids(ds, { kind: "wildcard", target: field("name"), patterns: ["*.EXE"], caseInsensitive: false })).toEqual([2]);
    expect(ids(ds, { kind: "wildcard", target: field("name"), patterns: ["?md.exe"], caseInsensitive: true })).toEqual([1, 2]);
    expect(ids(ds, { kind: "regex", target: field("name"), patterns: ["[a-z]+32\\.exe"], caseInsensitive: false })).toEqual([5]);
    // Lucene regexes are anchored: "cmd" alone does not match "cmd.exe".
    expect(ids(ds, { kind: "regex", target: field("name"), patterns: ["cmd"], caseInsensitive: false })).toEqual([]);
  });

  it("matches SPL terms on token boundaries in the raw text, case-insensitively", () => {
    expect(ids(ds, { kind: "term", text: "failed", phrase: false })).toEqual([1, 3]);
    expect(ids(ds, { kind: "term", text: "fail*", phrase: false })).toEqual([1, 2, 3]);
    expect(ids(ds, { kind: "term", text: "login failed", phrase: true })).toEqual([1]);
  });

  it("restricts to a time range [earliest, latest)", () => {
    const t = (s: string): number => Date.parse(s);
    const list = selectEvents(ds, lit(true), { timeRange: { earliest: t("2024-01-01T00:00:02Z"), latest: t("2024-01-01T00:00:04Z") } });
    expect(list.length).toBe(2);
  });

  it("runs regexes with nested repetition as an automaton: no exponential backtracking", () => {
    const d = new Dataset();
    const docs = [{ id: 1, s: "a".repeat(40) + "c" }, { id: 2, s: "a".repeat(40) + "b" }, { id: 3, s: "GET   /x   HTTP   1.1" }];
    ingestBytes(d, "re.ndjson", new TextEncoder().encode(docs.map((x) => JSON.stringify({ "@timestamp": 1, ...x })).join("\n")));
    const started = performance.now();
    expect(ids(d, { kind: "regex", target: field("s"), patterns: ["(a+)+b"], caseInsensitive: false })).toEqual([2]);
    expect(performance.now() - started).toBeLessThan(2000);
    // From a detection rule: three runs of text separated by at least three spaces.
    expect(ids(d, { kind: "regex", target: field("s"), patterns: ["([^ ]+[ ]{3,}[^ ]*){3,}.*"], caseInsensitive: false })).toEqual([3]);
    expect(ids(d, { kind: "regex", target: field("s"), patterns: ["(g[e]t +){1,2}.*"], caseInsensitive: true })).toEqual([3]);
    expect(() => selectEvents(d, { kind: "regex", target: field("s"), patterns: ["(a+"], caseInsensitive: false })).toThrow(/invalid regular expression/);
  });

  it("sees values added to a dictionary after an earlier run of the same predicate", () => {
    const more = dataset();
    const where = eq(field("name"), lit("late.exe"));
    expect(ids(more, where)).toEqual([]);
    ingestBytes(more, "more.ndjson", new TextEncoder().encode(JSON.stringify({ "@timestamp": "2024-01-01T00:00:06Z", id: 6, name: "late.exe" })));
    expect(ids(more, where)).toEqual([6]);
  });

  it("stops with CancelledError when the token is cancelled", () => {
    const token = cancelToken();
    token.cancelled = true;
    expect(() => selectEvents(ds, eq(field("name"), lit("cmd.exe")), { cancel: token })).toThrow(CancelledError);
  });
});

describe("evalExpr", () => {
  const get = (row: Record<string, unknown>) => (name: string) => (row[name] ?? null) as never;

  it("uses three-valued logic", () => {
    const unknown = eq(field("missing"), lit(1));
    expect(evalExpr({ kind: "and", args: [unknown, lit(false)] }, get({}))).toBe(false);
    expect(evalExpr({ kind: "and", args: [unknown, lit(true)] }, get({}))).toBe(null);
    expect(evalExpr({ kind: "or", args: [unknown, lit(true)] }, get({}))).toBe(true);
    expect(evalExpr({ kind: "not", arg: unknown }, get({}))).toBe(null);
  });

  it("divides integers as integers only when asked (EQL), and a float literal keeps the fraction", () => {
    const div = (l: Expr, r: Expr): Expr => ({ kind: "arith", op: "/", left: l, right: r });
    expect(evalExpr(div(lit(7), lit(2)), get({}), { integerDivision: true })).toBe(3);
    expect(evalExpr(div(lit(7), lit(2)), get({}))).toBe(3.5);
    expect(evalExpr(div(lit(7), { kind: "literal", value: 2, float: true }), get({}), { integerDivision: true })).toBe(3.5);
    expect(evalExpr(div(lit(7), lit(0)), get({}))).toBe(null);
  });

  it("compares version and ip fields by their type", () => {
    const lt = (l: Expr, r: Expr): Expr => ({ kind: "compare", op: "<", left: l, right: r, caseInsensitive: false });
    const types = { fieldType: (n: string) => (n === "ver" ? "version" : n === "ip" ? "ip" : undefined) } as const;
    expect(evalExpr(lt(field("ver"), lit("1.9.0")), get({ ver: "1.10.0" }), types)).toBe(false);
    expect(evalExpr(lt(field("ver"), lit("1.9.0")), get({ ver: "1.10.0" }))).toBe(true);
    expect(evalExpr(lt(field("ip"), lit("10.0.0.10")), get({ ip: "10.0.0.9" }), types)).toBe(true);
  });

  it("runs the EQL functions", () => {
    const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
    expect(evalExpr(call("cidrMatch", lit("192.168.1.7"), lit("10.0.0.0/8"), lit("192.168.0.0/16")), get({}))).toBe(true);
    expect(evalExpr(call("between", lit("welcome to event query language"), lit(" "), lit(" ")), get({}))).toBe("to");
    expect(evalExpr(call("substring", lit("start regsvr32.exe"), lit(-12)), get({}))).toBe("regsvr32.exe");
    expect(evalExpr(call("indexOf", lit("memory.dll"), lit("y")), get({}))).toBe(5);
    expect(evalExpr(call("number", lit("0x1F"), lit(16)), get({}))).toBe(31);
    expect(evalExpr(call("concat", lit("a"), lit(1), lit(null)), get({}))).toBe(null);
    expect(evalExpr({ kind: "call", name: "endsWith", args: [lit("C:\\X.EXE"), lit(".exe")], caseInsensitive: true }, get({}))).toBe(true);
    expect(() => evalExpr(call("noSuchFunction"), get({}))).toThrow(/unknown function noSuchFunction/);
  });
});

describe("executePlan", () => {
  const ds = dataset();

  it("runs head and tail pipes on events", () => {
    const run = (pipes: Parameters<typeof executePlan>[1]["pipes"]) => executePlan(ds, { source: { kind: "events", where: lit(true) }, pipes });
    const head = run([{ kind: "head", n: 2 }]);
    const tail = run([{ kind: "tail", n: 2 }]);
    expect(head.kind === "events" && head.events.length).toBe(2);
    expect(tail.kind === "events" && [...tail.events.row]).toEqual([3, 4]);
  });

  it("joins a two-stage sequence by pid in time order", () => {
    const r = executePlan(
      ds,
      {
        source: {
          kind: "sequence",
          stages: [
            { where: eq(field("name"), lit("cmd.exe"), true), keys: [field("pid")], missing: false, runs: 1 },
            { where: lit(true), keys: [field("pid")], missing: false, runs: 1 },
          ],
          until: null,
          maxspanMs: null,
        },
        pipes: [],
      },
      { order: { timestampField: "@timestamp", tiebreakerField: null } },
    );
    // pid 10: cmd.exe (id 1) then powershell.exe (id 3); pid 20 has one event only.
    expect(r.kind === "sequences" && r.sequences.map((s) => ({ keys: s.joinKeys, rows: [...s.row] }))).toEqual([{ keys: [10], rows: [0, 2] }]);
  });
});

describe("EQL event order", () => {
  it("orders by nanosecond timestamps, then the tiebreaker, then ingest order", () => {
    const ds = new Dataset();
    const docs = [
      { "@timestamp": "2024-01-01T00:00:00.000000300Z", n: 1, tb: 1, "event.category": "x" },
      { "@timestamp": "2024-01-01T00:00:00.000000100Z", n: 2, tb: 9, "event.category": "x" },
      { "@timestamp": "2024-01-01T00:00:00.000000100Z", n: 3, tb: 5, "event.category": "x" },
      { n: 4, tb: 0, "event.category": "x" },
    ];
    ingestBytes(ds, "nanos.ndjson", new TextEncoder().encode(docs.map((d) => JSON.stringify(d)).join("\n")));
    const order = (tiebreakerField: string | null) =>
      runEql(ds, "x where true", { tiebreakerField }).hits.events!.map((e) => ("_source" in e ? e._source.n : null));
    // Event 4 has no timestamp: EQL leaves it out.
    expect(order(null)).toEqual([2, 3, 1]);
    expect(order("tb")).toEqual([3, 2, 1]);
  });
});
