import { describe, expect, it } from "vitest";
import { QueryError, compileEql, lineColumn, lowerEql, parseEql } from "../../src/index.ts";

/** The QueryError thrown by compiling `q`, with its 1-based line/column. */
function errorOf(q: string, opts: Parameters<typeof compileEql>[1] = {}): { err: QueryError; line: number; column: number; text: string } {
  try {
    compileEql(q, opts);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    const { line, column } = lineColumn(q, e.span.start);
    return { err: e, line, column, text: q.slice(e.span.start, e.span.end) };
  }
  throw new Error(`no error for ${q}`);
}

describe("EQL errors are positioned and say what was expected", { timeout: 60_000 }, () => {
  it("a misspelt keyword: expected where, at the word", () => {
    const r = errorOf("process wher x == 1");
    expect(r.err.expected).toEqual(["where"]);
    expect(r.err.message).toBe("expected where, found 'wher'");
    expect(r.column).toBe(9);
  });
  it("line and column on a multi-line query", () => {
    const r = errorOf('sequence\n  [process where true]\n  [file where a == = 2]');
    expect([r.line, r.column]).toEqual([3, 20]);
    expect(r.err.expected).toContain("field");
  });
  it("unknown function names the function, spanning its name", () => {
    const r = errorOf('process where fooBar(process.name, "x")');
    expect(r.err.message).toBe("unknown function 'fooBar'");
    expect(r.text).toBe("fooBar");
    expect(r.err.expected).toContain("startsWith");
  });
  it("wrong argument counts and a ~ on a function without one", () => {
    expect(errorOf("any where length(a, b)").err.message).toBe("function 'length' takes 1 argument, found 2");
    expect(errorOf("any where substring(a)").err.message).toBe("function 'substring' takes 2 to 3 arguments, found 1");
    const t = errorOf("any where add~(1, 2)");
    expect(t.err.message).toBe("function 'add' has no case-insensitive (~) form");
    expect(t.text).toBe("add");
  });
  it("unknown pipe, bad head argument", () => {
    const p = errorOf("process where true | bogus 3");
    expect(p.err.message).toBe("unknown pipe 'bogus'");
    expect(p.text).toBe("bogus");
    expect(p.err.expected).toContain("head");
    expect(errorOf("process where true | head x").text).toBe("x");
  });
  it("unterminated string and bad escape point at the string", () => {
    const u = errorOf('process where a == "abc');
    expect(u.err.message).toBe("unterminated string");
    expect(u.column).toBe(20);
    const b = errorOf('process where a == "a\\qb"');
    expect(b.err.message).toMatch(/invalid escape sequence \\q/);
    expect(b.text).toBe("\\q");
  });
  it("sequence rules: at least two queries, consistent join keys, time units", () => {
    expect(errorOf("sequence [process where true]").err.message).toMatch(/at least 2 queries/);
    const k = errorOf("sequence [process where true] by a [file where true] by a, b");
    expect(k.err.message).toBe("inconsistent number of join keys: expected 1 but found 2");
    expect(k.text).toBe("a");
    const unit = errorOf("sequence with maxspan=5x [a where true] [b where true]");
    expect(unit.err.message).toBe("unknown time unit 'x'");
    expect(errorOf("sequence with maxspan=5 [a where true] [b where true]").err.message).toMatch(/time unit/);
    expect(errorOf("sample by h [a where true] [b where true] with runs=2").err.message).toBe("unsupported: with runs in a sample");
  });
  it("a pattern operator needs strings; chained comparisons are refused", () => {
    expect(errorOf("any where a : b").err.message).toBe("the ':' operator needs string values");
    expect(errorOf("any where a == b == c").err.message).toMatch(/cannot be chained/);
  });
  it("deep nesting and endless operator chains fail cleanly", () => {
    const deep = "any where " + "(".repeat(5000) + "a" + ")".repeat(5000);
    expect(errorOf(deep).err.message).toMatch(/nested too deeply/);
    const chain = "any where a" + " + a".repeat(50000) + " == 1";
    expect(errorOf(chain).err.message).toMatch(/nested too deeply/);
    const nots = "any where " + "not ".repeat(10000) + "a";
    expect(errorOf(nots).err.message).toMatch(/nested too deeply/);
    // A long flat chain of `or`s is fine (n-ary, no recursion).
    const ors = "any where " + Array.from({ length: 20000 }, (_, i) => `a == ${i}`).join(" or ");
    const p = compileEql(ors);
    expect(p.source.kind === "events" && p.source.where.kind === "or" && p.source.where.args.length).toBe(20000);
  });
});

describe("half-typed queries parse as incomplete", () => {
  it("text that runs out mid-query gives incomplete: true and a missing node; lowering names what is expected", () => {
    for (const q of ["process where ", "process where a ==", "process where a in (", "sequence [process where true] [", "process where startsWith(a,", "any where x | ", "sequence by"]) {
      const ast = parseEql(q);
      expect(ast.incomplete, q).toBe(true);
      expect(() => lowerEql(ast)).toThrow(QueryError);
    }
    const ast = parseEql("process where process.name == ");
    expect(ast.body.kind === "eventQuery" && ast.body.where.kind === "compare" && ast.body.where.right.kind).toBe("missing");
    const r = errorOf("process where process.name == ");
    expect(r.err.message).toMatch(/^incomplete query: expected/);
    expect(r.err.span.start).toBe(30);
  });
  it("complete queries are not incomplete", () => {
    expect(parseEql('process where a == "b" | head 3').incomplete).toBe(false);
  });
});
