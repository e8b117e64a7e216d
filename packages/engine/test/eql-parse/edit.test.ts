import { describe, expect, it } from "vitest";
import { appendCondition, appendPipe, appendWhere, parseEqlExpression, compileEql, fieldNode, lowerEql, parseEql, printEql, removePipes, setCategory, setHead, setJoinKeys } from "../../src/index.ts";
import { noSpans } from "./helpers.ts";

/** The edited query must print, reparse, and mean exactly what `expected` means. */
function roundTrip(printed: string, expected: string, opts: Parameters<typeof compileEql>[1] = {}): void {
  expect(noSpans(compileEql(printed, opts)), printed).toEqual(noSpans(compileEql(expected, opts)));
}

describe("EQL edits through the AST: parse → mutate → print → parse", () => {
  it("appendWhere keeps the user's comments and layout", () => {
    const src = '// hunt for squiblydoo\nprocess where process.name == "regsvr32.exe" /* the binary */\n| head 5';
    const ast = parseEql(src);
    const out = printEql(appendWhere(ast, "host.name", "==", "wrk-btun"));
    expect(out).toContain("// hunt for squiblydoo\n");
    expect(out).toContain("/* the binary */");
    expect(out).toContain('process.name == "regsvr32.exe"');
    roundTrip(out, 'process where process.name == "regsvr32.exe" and host.name == "wrk-btun" | head 5');
    // The input is untouched.
    expect(printEql(ast)).toBe(src);
  });

  it("appendWhere parenthesises an `or` condition and replaces a bare `true`", () => {
    const out = printEql(appendWhere(parseEql("process where a == 1 or b == 2"), "c", "!=", 3));
    expect(out).toBe("process where (a == 1 or b == 2) and c != 3");
    roundTrip(out, "process where (a == 1 or b == 2) and c != 3");
    expect(printEql(appendWhere(parseEql("network where true"), "destination.port", ">=", 1024))).toBe("network where destination.port >= 1024");
  });

  it("appendWhere quotes awkward names and values, and writes lists and pattern operators", () => {
    const ast = parseEql("any where true");
    const out1 = printEql(appendWhere(ast, "my field", "==", 'C:\\Windows\\"x"'));
    expect(out1).toBe('any where `my field` == "C:\\\\Windows\\\\\\"x\\""');
    const plan = compileEql(out1);
    expect(plan.source.kind === "events" && plan.source.where).toMatchObject({ kind: "compare", left: { name: "my field" }, right: { value: 'C:\\Windows\\"x"' } });
    roundTrip(printEql(appendWhere(ast, "process.name", "in", ["a.exe", "b.exe"])), 'any where process.name in ("a.exe", "b.exe")');
    roundTrip(printEql(appendWhere(ast, "process.name", ":", "*.exe")), 'any where process.name : "*.exe"');
    roundTrip(printEql(appendWhere(ast, "user.name", "not in", ["root"])), 'any where user.name not in ("root")');
    roundTrip(printEql(appendWhere(ast, "x", "like~", ["a*", "b?"])), 'any where x like~ ("a*", "b?")');
    roundTrip(printEql(appendWhere(ast, "x", "==", null)), "any where x == null");
  });

  it("appendWhere on a sequence edits one stage, or every present stage", () => {
    const src = "sequence by process.pid\n  [process where process.name == \"regsvr32.exe\"] // first\n  [network where true]";
    const one = printEql(appendWhere(parseEql(src), "host.name", "==", "h1", { stage: 1 }));
    expect(one).toContain("// first");
    roundTrip(one, 'sequence by process.pid [process where process.name == "regsvr32.exe"] [network where host.name == "h1"]');
    const all = printEql(appendWhere(parseEql(src), "host.name", "==", "h1"));
    roundTrip(all, 'sequence by process.pid [process where process.name == "regsvr32.exe" and host.name == "h1"] [network where host.name == "h1"]');
    expect(() => appendWhere(parseEql(src), "x", "==", 1, { stage: 5 })).toThrow(/no stage 5/);
  });

  it("setHead replaces a trailing head or appends one; removePipes and appendPipe", () => {
    const ast = parseEql("process where true | head 5");
    expect(printEql(setHead(ast, 20))).toBe("process where true | head 20");
    expect(printEql(setHead(parseEql("process where true"), 3))).toBe("process where true | head 3");
    expect(printEql(removePipes(ast, "head"))).toBe("process where true");
    const piped = appendPipe(parseEql("process where true\n| head 5"), "unique", [fieldNode("host.name"), fieldNode("user.name")]);
    expect(printEql(piped)).toBe("process where true\n| head 5\n| unique host.name, user.name");
    roundTrip(printEql(piped), "process where true | head 5 | unique host.name, user.name");
  });

  it("setCategory and setJoinKeys", () => {
    roundTrip(printEql(setCategory(parseEql('process where a == "x"'), "any")), 'any where a == "x"');
    const seq = parseEql("sequence by process.pid [process where true] [file where true]");
    const out = printEql(setJoinKeys(seq, ["host.name", "user.name"]));
    expect(out).toBe("sequence by host.name, user.name\n  [process where true]\n  [file where true]");
    roundTrip(out, "sequence by host.name, user.name [process where true] [file where true]");
    expect(() => setJoinKeys(parseEql("any where true"), ["x"])).toThrow(/join keys/);
  });

  it("appendCondition takes a parsed expression and keeps its text, parenthesised when needed", () => {
    const cond = parseEqlExpression('startsWith~(a, "x") or b : "y*" /* why */');
    const out = printEql(appendCondition(parseEql("process where c == 1 // note\n| head 2"), cond));
    expect(out).toBe('process where c == 1 and (startsWith~(a, "x") or b : "y*")\n// note\n| head 2');
    roundTrip(out, 'process where c == 1 and (startsWith~(a, "x") or b : "y*") | head 2');
  });

  it("edited ASTs lower directly, without printing", () => {
    const edited = appendWhere(parseEql("process where a == 1"), "b", "==", 2);
    expect(noSpans(lowerEql(edited))).toEqual(noSpans(compileEql("process where a == 1 and b == 2")));
  });
});
