import { describe, expect, it } from "vitest";
import { QueryError, compileEql, eqlChildren, lowerEql, parseEql, printEql, walkEql, type QueryPlan } from "../../src/index.ts";
import { elasticCases, endgameCases, noSpans } from "./helpers.ts";

const f = (name: string) => ({ kind: "field", name });
const lit = (value: string | number | boolean | null) => ({ kind: "literal", value });
const cmp = (op: string, left: unknown, right: unknown, caseInsensitive = false) => ({ kind: "compare", op, left, right, caseInsensitive });
const cat = (name: string, field = "event.category", ci = false) => cmp("==", f(field), lit(name), ci);
const plan = (q: string, opts: Parameters<typeof compileEql>[1] = {}): QueryPlan => noSpans(compileEql(q, opts));

describe("EQL seed tutorial (000): the four queries lower to the expected plans", () => {
  it("any where process.name == \"regsvr32.exe\" (with the tutorial's surrounding newlines)", () => {
    expect(plan('\n any where process.name == "regsvr32.exe" \n ')).toEqual({ source: { kind: "events", where: cmp("==", f("process.name"), lit("regsvr32.exe")) }, pipes: [] });
  });
  it(".keyword resolves to the field itself and != null is not-null", () => {
    expect(plan('process where process.name == "regsvr32.exe" and process.command_line.keyword != null')).toEqual({
      source: { kind: "events", where: { kind: "and", args: [cat("process"), cmp("==", f("process.name"), lit("regsvr32.exe")), { kind: "not", arg: { kind: "isNull", arg: f("process.command_line") } }] } },
      pipes: [],
    });
  });
  it("library where … and dll.name == \"scrobj.dll\"", () => {
    expect(plan('library where process.name == "regsvr32.exe" and dll.name == "scrobj.dll"').source).toEqual({
      kind: "events",
      where: { kind: "and", args: [cat("library"), cmp("==", f("process.name"), lit("regsvr32.exe")), cmp("==", f("dll.name"), lit("scrobj.dll"))] },
    });
  });
  it("sequence by process.pid with three stages; `network where true` is just the category", () => {
    const q = '\n sequence by process.pid\n [process where process.name == "regsvr32.exe"]\n [library where dll.name == "scrobj.dll"]\n [network where true]\n ';
    const stage = (where: unknown) => ({ where, keys: [f("process.pid")], missing: false, runs: 1 });
    expect(plan(q)).toEqual({
      source: {
        kind: "sequence",
        stages: [
          stage({ kind: "and", args: [cat("process"), cmp("==", f("process.name"), lit("regsvr32.exe"))] }),
          stage({ kind: "and", args: [cat("library"), cmp("==", f("dll.name"), lit("scrobj.dll"))] }),
          stage(cat("network")),
        ],
        until: null,
        maxspanMs: null,
      },
      pipes: [],
    });
  });
});

describe("EQL conformance suites parse and lower", { timeout: 120_000 }, () => {
  const elastic = elasticCases();
  const endgame = endgameCases();

  it("all 370 Elastic queries lower in the elastic dialect (the unsupported ones included)", () => {
    expect(elastic.length).toBe(370);
    const failures: string[] = [];
    for (const c of elastic) {
      try {
        lowerEql(parseEql(c.query), { dialect: "elastic", eventCategoryField: "event_type" });
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        failures.push(`${c.name}: ${e.message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("all 241 Endgame queries lower in the endgame dialect, in each case mode they list", () => {
    expect(endgame.length).toBe(241);
    let lowered = 0;
    for (const c of endgame) {
      for (const mode of c.case_modes) {
        lowerEql(parseEql(c.query), { dialect: "endgame", caseSensitive: mode === "case_sensitive", eventCategoryField: "event_type" });
        lowered++;
      }
    }
    expect(lowered).toBeGreaterThanOrEqual(241);
  });

  it("every AST node has a kind and a span inside the text, nested within its parent's", () => {
    for (const c of [...elastic, ...endgame]) {
      const ast = parseEql(c.query);
      let nodes = 0;
      walkEql(ast, (n) => {
        nodes++;
        expect(typeof n.kind).toBe("string");
        expect(n.span.start).toBeGreaterThanOrEqual(0);
        expect(n.span.end).toBeGreaterThanOrEqual(n.span.start);
        expect(n.span.end).toBeLessThanOrEqual(c.query.length);
        for (const k of eqlChildren(n)) {
          expect(k.span.start, `${k.kind} in ${n.kind}: ${c.query}`).toBeGreaterThanOrEqual(n.span.start);
          expect(k.span.end).toBeLessThanOrEqual(n.span.end);
        }
      });
      expect(nodes).toBeGreaterThan(3);
    }
  });

  it("printing reproduces the source, and structural printing reparses to the same plan", () => {
    for (const c of [...elastic, ...endgame]) {
      const ast = parseEql(c.query);
      expect(printEql(ast)).toBe(c.query);
      const again = parseEql(printEql(ast, { reuseSource: false }));
      const opts = { dialect: "endgame" as const, eventCategoryField: "event_type" };
      expect(noSpans(lowerEql(again, opts)), c.query).toEqual(noSpans(lowerEql(ast, opts)));
    }
  });
});

describe("EQL operators and dialect rules, hand-picked from the suites", () => {
  const opts = { eventCategoryField: "event_type" };
  const where = (q: string, o: Parameters<typeof compileEql>[1] = opts) => {
    const p = plan(q, o);
    if (p.source.kind !== "events") throw new Error("not an event query");
    return p.source.where;
  };

  it("`:` with wildcards is a case-insensitive wildcard; backslashes stay literal", () => {
    expect(where('process where process_path : "*\\\\red_ttp\\\\wininit.*"')).toEqual({
      kind: "and",
      args: [cat("process", "event_type"), { kind: "wildcard", target: f("process_path"), patterns: ["*\\\\red_ttp\\\\wininit.*"], caseInsensitive: true }],
    });
  });
  it("`:` without wildcards is case-insensitive equality; a list becomes in~", () => {
    expect(where('any where a : "X"')).toEqual(cmp("==", f("a"), lit("X"), true));
    expect(where('any where a : ("X", "y")')).toEqual({ kind: "in", target: f("a"), values: [lit("X"), lit("y")], caseInsensitive: true });
  });
  it("like / like~ / regex / regex~ / in / in~ / not in", () => {
    expect(where('any where file_name like~ ("winINI?.exE", "lSasS.E?E")')).toEqual({ kind: "wildcard", target: f("file_name"), patterns: ["winINI?.exE", "lSasS.E?E"], caseInsensitive: true });
    expect(where('any where file_name like "a*"')).toEqual({ kind: "wildcard", target: f("file_name"), patterns: ["a*"], caseInsensitive: false });
    expect(where('any where command_line regex~ """.*?net1[ ]+localgroup.*?"""')).toEqual({ kind: "regex", target: f("command_line"), patterns: [".*?net1[ ]+localgroup.*?"], caseInsensitive: true });
    expect(where('any where x regex (".*a", "b\\\\d")')).toEqual({ kind: "regex", target: f("x"), patterns: [".*a", "b\\d"], caseInsensitive: false });
    expect(where("any where opcode in (1,3)")).toEqual({ kind: "in", target: f("opcode"), values: [lit(1), lit(3)], caseInsensitive: false });
    expect(where('any where n in~ ("A")')).toEqual({ kind: "in", target: f("n"), values: [lit("A")], caseInsensitive: true });
    expect(where("any where opcode not in (0,1)")).toEqual({ kind: "not", arg: { kind: "in", target: f("opcode"), values: [lit(0), lit(1)], caseInsensitive: false } });
  });
  it("precedence: not > and > or; unary minus folds into the literal; arithmetic binds tighter than ==", () => {
    expect(where("any where not a == 1 and b == 2 or c == 3")).toEqual({
      kind: "or",
      args: [{ kind: "and", args: [{ kind: "not", arg: cmp("==", f("a"), lit(1)) }, cmp("==", f("b"), lit(2))] }, cmp("==", f("c"), lit(3))],
    });
    expect(where("any where -1 < exit_code")).toEqual(cmp("<", lit(-1), f("exit_code")));
    expect(where("any where serial_event_id + 2 * 3 == 54")).toEqual(
      cmp("==", { kind: "arith", op: "+", left: f("serial_event_id"), right: { kind: "arith", op: "*", left: lit(2), right: lit(3) } }, lit(54)),
    );
    expect(where("any where null == (exit_code > -1)")).toEqual({ kind: "isNull", arg: cmp(">", f("exit_code"), lit(-1)) });
  });
  it("functions: canonical names, ~ variants, float literals", () => {
    expect(where('any where startswith~(file_name, "exploRER.")')).toEqual({ kind: "call", name: "startsWith", args: [f("file_name"), lit("exploRER.")], caseInsensitive: true });
    expect(where('any where CONCAT(version, "") == "1.2.4"')).toEqual(cmp("==", { kind: "call", name: "concat", args: [f("version"), lit("")], caseInsensitive: false }, lit("1.2.4")));
    expect(where("any where divide(30, 4.0) == 7.5")).toEqual(
      cmp("==", { kind: "call", name: "divide", args: [lit(30), { kind: "literal", value: 4, float: true }], caseInsensitive: false }, { kind: "literal", value: 7.5, float: true }),
    );
  });
  it("optional fields, backtick names, array index", () => {
    expect(where("any where ?x == ?y")).toEqual(cmp("==", { kind: "field", name: "x", optional: true }, { kind: "field", name: "y", optional: true }));
    expect(where("any where `sequence` == 20")).toEqual(cmp("==", f("sequence"), lit(20)));
    expect(where('any where list[1] == "EN"')).toEqual(cmp("==", { kind: "field", name: "list", index: 1 }, lit("EN")));
  });
  it("endgame: == is case-insensitive by default, a wildcard with *, case-sensitive on request", () => {
    const eg = { dialect: "endgame" as const, eventCategoryField: "event_type" };
    expect(where('any where process_name == "*wsmprovhost.exe"', eg)).toEqual({ kind: "wildcard", target: f("process_name"), patterns: ["*wsmprovhost.exe"], caseInsensitive: true });
    expect(where("any where 'net.EXE' == original_file_name", eg)).toEqual(cmp("==", lit("net.EXE"), f("original_file_name"), true));
    expect(where("any where opcode = 1", { ...eg, caseSensitive: true })).toEqual(cmp("==", f("opcode"), lit(1), false));
    expect(where('any where fake_field != "*"', eg)).toEqual({ kind: "not", arg: { kind: "wildcard", target: f("fake_field"), patterns: ["*"], caseInsensitive: true } });
    expect(where('any where "hello":length() == 5', eg)).toEqual(cmp("==", { kind: "call", name: "length", args: [lit("hello")], caseInsensitive: true }, lit(5), true));
  });
  it("sequences: maxspan units, by keys, until, missing events, runs", () => {
    const p = plan('sequence by k1 with maxspan=500ms\n [a where true] by k2 with runs=2\n ![b where tag == "m"] by k2\n [c where true] by k2\nuntil [d where true] by k2', opts);
    expect(p.source).toMatchObject({
      kind: "sequence",
      maxspanMs: 500,
      stages: [
        { keys: [f("k1"), f("k2")], missing: false, runs: 2 },
        { keys: [f("k1"), f("k2")], missing: true, runs: 1 },
        { keys: [f("k1"), f("k2")], missing: false, runs: 1 },
      ],
      until: { where: cat("d", "event_type"), keys: [f("k1"), f("k2")] },
    });
    expect(plan("sequence with maxspan=1d [a where true] [b where true]").source).toMatchObject({ maxspanMs: 86_400_000 });
    expect(plan("sequence with maxspan=2 [a where true] [b where true]", { dialect: "endgame" }).source).toMatchObject({ maxspanMs: 2000 });
    expect(plan("sequence [a where true] [b where true] fork=true").source).toMatchObject({ stages: [{}, { fork: true }] });
  });
  it("sample and join", () => {
    expect(plan("sample by host [any where uptime > 0] by os [any where port > 100] by op_sys", opts).source).toEqual({
      kind: "sample",
      stages: [
        { where: cmp(">", f("uptime"), lit(0)), keys: [f("host"), f("os")] },
        { where: cmp(">", f("port"), lit(100)), keys: [f("host"), f("op_sys")] },
      ],
    });
    expect(plan("join by unique_pid [process where true] [file where true] until [file where opcode == 2]", opts).source).toEqual({
      kind: "join",
      stages: [
        { where: cat("process", "event_type"), keys: [f("unique_pid")] },
        { where: cat("file", "event_type"), keys: [f("unique_pid")] },
      ],
      until: { where: { kind: "and", args: [cat("file", "event_type"), cmp("==", f("opcode"), lit(2))] }, keys: [f("unique_pid")] },
    });
  });
  it("lineage, events[N] in pipes, arraySearch lambdas", () => {
    expect(where('process where child of [process where process_name == "cmd.exe"]', opts)).toEqual({
      kind: "and",
      args: [cat("process", "event_type"), { kind: "lineage", relation: "child", query: { kind: "and", args: [cat("process", "event_type"), cmp("==", f("process_name"), lit("cmd.exe"))] } }],
    });
    expect(plan("sequence [file where true] [file where true] | filter events[1].serial_event_id == 92").pipes).toEqual([
      { kind: "where", expr: cmp("==", { kind: "field", name: "serial_event_id", event: 1 }, lit(92)) },
    ]);
    expect(where('any where arraySearch(list, s, s.a == "x")')).toEqual({
      kind: "call",
      name: "arraySearch",
      args: [f("list"), { kind: "lambda", param: "s", body: cmp("==", { kind: "lambdaVar", param: "s", path: "a" }, lit("x")) }],
      caseInsensitive: false,
    });
  });
  it("Endgame pipes", () => {
    expect(plan("process where true | head 5 | unique a b, length(c) | unique_count d | count | sort e f | tail 2 | filter count == 7").pipes).toEqual([
      { kind: "head", n: 5 },
      { kind: "unique", fields: [f("a"), f("b"), { kind: "call", name: "length", args: [f("c")], caseInsensitive: false }] },
      { kind: "uniqueCount", fields: [f("d")] },
      { kind: "count", fields: [] },
      { kind: "sort", keys: [{ expr: f("e"), descending: false }, { expr: f("f"), descending: false }] },
      { kind: "tail", n: 2 },
      { kind: "where", expr: cmp("==", f("count"), lit(7)) },
    ]);
  });
});
