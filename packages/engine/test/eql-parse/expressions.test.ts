import { describe, expect, it } from "vitest";
import { lowerEqlExpression, parseEqlExpression, printEqlExpression } from "../../src/index.ts";
import { expressionCases, noSpans } from "./helpers.ts";

describe("Endgame expressions.jsonl", () => {
  const cases = expressionCases();

  it("all 208 expressions parse and lower in every case mode they list", () => {
    expect(cases.length).toBe(208);
    for (const c of cases) {
      for (const mode of c.case_modes) {
        const ast = parseEqlExpression(c.expression);
        const e = lowerEqlExpression(ast, { dialect: "endgame", caseSensitive: mode === "case_sensitive" });
        expect(e.kind).toBeTruthy();
        // Printing and reparsing gives the same expression.
        const again = lowerEqlExpression(parseEqlExpression(printEqlExpression(ast)), { dialect: "endgame", caseSensitive: mode === "case_sensitive" });
        expect(noSpans(again)).toEqual(noSpans(e));
      }
    }
  });

  it("shapes: method calls, not in, integer vs float literals, case flag per mode", () => {
    const low = (s: string, caseSensitive = false) => noSpans(lowerEqlExpression(parseEqlExpression(s), { dialect: "endgame", caseSensitive }));
    expect(low('(100 * 10) - ("hello":length())')).toEqual({
      kind: "arith",
      op: "-",
      left: { kind: "arith", op: "*", left: { kind: "literal", value: 100 }, right: { kind: "literal", value: 10 } },
      right: { kind: "call", name: "length", args: [{ kind: "literal", value: "hello" }], caseInsensitive: true },
    });
    expect(low("345 not in (123, 456)")).toEqual({
      kind: "not",
      arg: { kind: "in", target: { kind: "literal", value: 345 }, values: [{ kind: "literal", value: 123 }, { kind: "literal", value: 456 }], caseInsensitive: true },
    });
    expect(low("7 / 3.0")).toEqual({ kind: "arith", op: "/", left: { kind: "literal", value: 7 }, right: { kind: "literal", value: 3, float: true } });
    expect(low('"Foo" == "foo"', true)).toEqual({ kind: "compare", op: "==", left: { kind: "literal", value: "Foo" }, right: { kind: "literal", value: "foo" }, caseInsensitive: false });
    expect(low('wildcard("Foo", "F*o?")')).toEqual({ kind: "wildcard", target: { kind: "literal", value: "Foo" }, patterns: ["F*o\\?"], caseInsensitive: true });
    expect(low("null == null")).toEqual({ kind: "literal", value: true });
    expect(low("7 + -3")).toEqual({ kind: "arith", op: "+", left: { kind: "literal", value: 7 }, right: { kind: "literal", value: -3 } });
  });
});
