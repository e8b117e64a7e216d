import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QueryError, eqlCompletionContext, lowerEql, parseEql, printEql } from "../../src/index.ts";
import { elasticCases, endgameCases, noSpans, rules } from "./helpers.ts";

/** Parse, lower (both dialects) and print; anything thrown must be a QueryError, and it must be quick. */
function survives(text: string): void {
  const t0 = performance.now();
  try {
    const ast = parseEql(text);
    expect(printEql(ast)).toBe(text);
    const structural = printEql(ast, { reuseSource: false });
    const plan = lowerEql(ast, { dialect: "endgame" });
    // Whatever lowers must survive a structural print: same plan after reparsing.
    expect(noSpans(lowerEql(parseEql(structural), { dialect: "endgame" })), structural).toEqual(noSpans(plan));
    lowerEql(ast);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    expect(e.span.start).toBeGreaterThanOrEqual(0);
    expect(e.span.end).toBeGreaterThanOrEqual(e.span.start);
    expect(e.span.start).toBeLessThanOrEqual(text.length);
  }
  const ctx = eqlCompletionContext(text, text.length);
  expect(ctx.span.end).toBeLessThanOrEqual(text.length);
  expect(performance.now() - t0).toBeLessThan(500);
}

const seeds = [...elasticCases().map((c) => c.query), ...endgameCases().map((c) => c.query), ...rules().slice(0, 200).map((r) => r.query)];

const tokens = [
  "process", "any", "where", "sequence", "sample", "join", "by", "with", "maxspan", "=", "runs", "until", "[", "]", "![", "(", ")", ",", "|",
  "and", "or", "not", "in", "in~", "like", "like~", "regex", "regex~", ":", "==", "!=", "<", ">=", "+", "-", "*", "/", "%", "~", "?", ".",
  "a", "b.c", "?x", "`q f`", "events[1].x", "list[0]", "1", "2.5", ".5", "5s", "1e3", '"s"', '"a*"', "'x'", '"""r"""', '?"raw"', "true",
  "null", "head", "tail", "unique", "count", "filter", "sort", "startsWith~", "length", "descendant", "of", "child", "//c\n", "/*b*/", " ", "\n",
];

// Generous timeouts: the machine is shared, and fast-check runs thousands of cases per test.
describe("fuzzing the EQL front end (fast-check)", { timeout: 120_000 }, () => {
  it("random strings never crash or hang it", () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), survives), { numRuns: 1500, seed: 42 });
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 40 }), survives), { numRuns: 500, seed: 7 });
  });

  it("random token soups never crash or hang it", () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((ts) => ts.join(" ")), survives), { numRuns: 2000, seed: 1 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((ts) => ts.join("")), survives), { numRuns: 1000, seed: 2 });
  });

  it("mutated real queries (cut, insert, delete, duplicate, truncate) never crash or hang it", () => {
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.constantFrom(...tokens), fc.integer({ min: 0, max: 4 }))
      .map(([q, a, b, tok, op]) => {
        const i = a % (q.length + 1);
        const j = Math.min(q.length, i + (b % 12));
        switch (op) {
          case 0:
            return q.slice(0, i) + q.slice(j);
          case 1:
            return q.slice(0, i) + tok + q.slice(i);
          case 2:
            return q.slice(0, i) + tok + q.slice(j);
          case 3:
            return q.slice(0, j) + q.slice(i, j) + q.slice(j);
          default:
            return q.slice(0, i);
        }
      });
    fc.assert(fc.property(mutated, survives), { numRuns: 3000, seed: 3 });
  });

  it("every prefix of a real query parses (possibly incomplete) or fails with a QueryError", () => {
    for (const q of seeds.slice(0, 120)) {
      for (let i = 0; i <= q.length; i++) survives(q.slice(0, i));
    }
  });
});
