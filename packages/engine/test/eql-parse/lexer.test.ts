import { describe, expect, it } from "vitest";
import { QueryError, parseEql, parseEqlExpression, visitEql } from "../../src/index.ts";
import { lexEql } from "../../src/lang/eql/lexer.ts";

/** The decoded value of the one string literal in `src`. */
function str(src: string): string {
  const e = parseEqlExpression(src);
  if (e.kind !== "string") throw new Error(`not a string: ${e.kind}`);
  return e.value;
}

describe("EQL lexer", () => {
  it("decodes escapes in quoted strings; raw and triple-quoted strings keep backslashes", () => {
    expect(str('"a\\tb\\n\\"c\\"\\\\"')).toBe('a\tb\n"c"\\');
    expect(str("'it\\'s'")).toBe("it's");
    expect(str('"\\u{1F600}x"')).toBe("\u{1F600}x");
    expect(str('"""C:\\Windows\\System32"""')).toBe("C:\\Windows\\System32");
    expect(str('""""quoted""""')).toBe('"quoted"');
    expect(str('?"\\d+\\.exe"')).toBe("\\d+\\.exe");
    expect(str("?'a\\'b'")).toBe("a\\'b");
  });
  it("numbers: integers, decimals, leading dot, exponents", () => {
    for (const [src, v, text] of [["42", 42, "42"], ["4.0", 4, "4.0"], [".5", 0.5, ".5"], ["1e3", 1000, "1e3"], ["2.5E-1", 0.25, "2.5E-1"]] as const) {
      const e = parseEqlExpression(src);
      expect(e).toMatchObject({ kind: "number", value: v, text });
    }
  });
  it("names: dotted paths, @, digits after dots, backtick segments with doubled backticks", () => {
    const names: string[] = [];
    visitEql(parseEql("any where @timestamp == 1 and winlog.event_data.1 == 2 and a.`0`.b == 3 and `we``ird` == 4"), { field: (f) => names.push(f.name) });
    expect(names).toEqual(["@timestamp", "winlog.event_data.1", "a.0.b", "we`ird"]);
  });
  it("comments are collected apart with their spans", () => {
    const { comments, tokens } = lexEql("// head\nany /* mid */ where true // tail");
    expect(comments.map((c) => [c.text, c.span.start, c.block])).toEqual([["// head", 0, false], ["/* mid */", 12, true], ["// tail", 33, false]]);
    expect(tokens.map((t) => t.text)).toEqual(["any", "where", "true", ""]);
  });
  it("operators: ~ only counts when adjacent; ![ is one token", () => {
    expect(lexEql("in~ (").tokens.map((t) => [t.text, t.spaced])).toEqual([["in", true], ["~", false], ["(", true], ["", false]]);
    expect(lexEql("![a").tokens[0]!.text).toBe("![");
  });
  it("bad input fails with a QueryError at the right offset", () => {
    const fail = (src: string): [number, number] => {
      try {
        lexEql(src);
      } catch (e) {
        if (e instanceof QueryError) return [e.span.start, e.span.end];
        throw e;
      }
      throw new Error("no error");
    };
    expect(fail("a == 'x")).toEqual([5, 7]);
    expect(fail("a /* never closed")).toEqual([2, 17]);
    expect(fail("a == `b")).toEqual([5, 7]);
    expect(fail("a # b")).toEqual([2, 3]);
    expect(fail('"\\u{110000}"')).toEqual([1, 11]);
  });
});
