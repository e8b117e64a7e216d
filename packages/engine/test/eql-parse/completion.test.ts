import { describe, expect, it } from "vitest";
import { eqlCompletionContext, eqlFieldRefs, eqlHoverAt, parseEql, unknownEqlFields } from "../../src/index.ts";

/** Context at the `^` marker (removed from the text). */
function at(marked: string) {
  const offset = marked.indexOf("^");
  return eqlCompletionContext(marked.replace("^", ""), offset);
}

describe("eqlCompletionContext", () => {
  it("start of the query: categories and query kinds", () => {
    expect(at("^")).toMatchObject({ kind: "category", span: { start: 0, end: 0 } });
    expect(at("proc^")).toMatchObject({ kind: "category", prefix: "proc", span: { start: 0, end: 4 } });
    expect(at("sequence [^").kind).toBe("category");
  });
  it("after where / and / or / not / by: a field (functions listed too)", () => {
    const c = at("process where ^");
    expect(c.kind).toBe("field");
    expect(c.keywords).toContain("startsWith");
    expect(at("process where a == 1 and process.na^")).toMatchObject({ kind: "field", prefix: "process.na", span: { start: 25, end: 35 } });
    expect(at("sequence by ^").kind).toBe("field");
    expect(at("process where startsWith(^").kind).toBe("field");
  });
  it("a word followed by ( is a function", () => {
    expect(at("process where starts^(a, 'b')")).toMatchObject({ kind: "function", prefix: "starts" });
  });
  it("after an operator or inside an in-list: a value", () => {
    expect(at("process where process.name == ^").kind).toBe("value");
    expect(at("process where process.name : ^").kind).toBe("value");
    expect(at('process where process.name in ("a", ^').kind).toBe("value");
    expect(at('process where process.name == "regs^').kind).toBe("value");
  });
  it("value positions name the field being compared", () => {
    expect(at("process where process.name == ^").field).toBe("process.name");
    expect(at('process where ?user.name : "ad^')).toMatchObject({ kind: "value", field: "user.name", prefix: "ad" });
    expect(at('process where host.name not in ("a", ^').field).toBe("host.name");
    expect(at("process where process.command_line.keyword like~ ^").field).toBe("process.command_line");
    expect(at("process where length(x) == ^").field).toBeUndefined();
  });
  it("after a complete operand: operators and keywords; after |: pipes", () => {
    expect(at("process where process.name ^").kind).toBe("keyword");
    expect(at("process where process.name ^").keywords).toContain("==");
    expect(at("process ^").keywords).toEqual(["where"]);
    expect(at("process where true | ^")).toMatchObject({ kind: "pipe", keywords: expect.arrayContaining(["head", "tail"]) });
    expect(at("sequence [a where true] ^").keywords).toContain("until");
  });
});

describe("eqlFieldRefs", () => {
  it("lists field references with spans, drops .keyword, skips lambda variables", () => {
    const q = 'sequence by process.pid [process where process.command_line.keyword != null and ?x == 1] [file where arraySearch(list, s, s.a == "b")] | filter events[1].pid == 2';
    const refs = eqlFieldRefs(parseEql(q));
    expect(refs.map((r) => [r.name, r.optional, q.slice(r.span.start, r.span.end)])).toEqual([
      ["process.pid", false, "process.pid"],
      ["process.command_line", false, "process.command_line.keyword"],
      ["x", true, "?x"],
      ["list", false, "list"],
      ["pid", false, "events[1].pid"],
    ]);
  });
});

describe("unknownEqlFields", () => {
  it("reports unknown non-optional fields with Elastic's wording, a suggestion and the span", () => {
    const q = 'process where proces.name == "a" and ?nope == 1 and host.name == "h" and zzz_unrelated > 1';
    const errs = unknownEqlFields(parseEql(q), ["process.name", "process.pid", "host.name", "event.category"]);
    expect(errs.map((e) => [e.message, q.slice(e.span.start, e.span.end)])).toEqual([
      ["Unknown column [proces.name], did you mean [process.name]?", "proces.name"],
      ["Unknown column [zzz_unrelated]", "zzz_unrelated"],
    ]);
    expect(errs[0]!.expected).toEqual(["process.name"]);
  });
});

describe("eqlHoverAt", () => {
  const q = 'process where startsWith~(process.command_line.keyword, "a") and ?user.name : "x*" | head 3';
  const ast = parseEql(q);
  const hover = (word: string, delta = 1) => eqlHoverAt(ast, q.indexOf(word) + delta);
  it("functions, fields, pipes, categories and operators", () => {
    expect(hover("startsWith")).toMatchObject({ kind: "function", title: "startsWith(source, prefix)  (also startsWith~)", span: { start: 14, end: 24 } });
    expect(hover("process.command_line")).toMatchObject({ kind: "field", title: "process.command_line" });
    expect(hover("?user")).toMatchObject({ kind: "field", title: "user.name", doc: expect.stringMatching(/optional/) });
    expect(hover("head")).toMatchObject({ kind: "pipe", title: "| head N" });
    expect(hover("process")).toMatchObject({ kind: "category", title: "process" });
    expect(hover(": ")).toMatchObject({ kind: "operator", title: ":" });
    expect(eqlHoverAt(ast, q.length + 5)).toBeNull();
  });
});
