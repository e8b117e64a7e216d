import { describe, expect, it } from "vitest";
import { QueryError, lowerEql, parseEql, printEql } from "../../src/index.ts";
import { noSpans, rules } from "./helpers.ts";

/** Generous per-query budget on a shared 2-core machine; real timings are ~0.1 ms (47 KB rule: a few ms). */
const BUDGET_MS = 250;

describe("elastic/detection-rules EQL corpus", { timeout: 120_000 }, () => {
  const corpus = rules();

  it("all 1081 rules parse and lower (or fail with a positioned 'unsupported' error), each within the time budget", () => {
    expect(corpus.length).toBe(1081);
    let ok = 0;
    const unsupported: string[] = [];
    let slowest = 0;
    for (const r of corpus) {
      const t0 = performance.now();
      try {
        lowerEql(parseEql(r.query), { dialect: "elastic" });
        ok++;
      } catch (e) {
        // Any failure must be a positioned QueryError naming an unsupported feature.
        expect(e).toBeInstanceOf(QueryError);
        const qe = e as QueryError;
        expect(qe.message).toMatch(/unsupported/);
        expect(qe.span.start).toBeGreaterThanOrEqual(0);
        expect(qe.span.end).toBeLessThanOrEqual(r.query.length);
        unsupported.push(r.id);
      }
      const dt = performance.now() - t0;
      slowest = Math.max(slowest, dt);
      expect(dt, `${r.id} took ${dt} ms`).toBeLessThan(BUDGET_MS);
    }
    // Every rule of the corpus is in the supported subset.
    expect(ok).toBe(1081);
    expect(unsupported).toEqual([]);
  });

  it("each rule prints back verbatim, and structurally printed reparses to the same plan", () => {
    for (const r of corpus) {
      const ast = parseEql(r.query);
      expect(printEql(ast)).toBe(r.query);
      const structural = printEql(ast, { reuseSource: false });
      expect(noSpans(lowerEql(parseEql(structural))), r.id).toEqual(noSpans(lowerEql(ast)));
    }
  });

  it("keeps comments when printing structurally", () => {
    const withComments = corpus.filter((r) => /\/\/|\/\*/.test(r.query)).slice(0, 50);
    expect(withComments.length).toBeGreaterThan(0);
    for (const r of withComments) {
      const ast = parseEql(r.query);
      const out = printEql(ast, { reuseSource: false });
      for (const c of ast.comments) expect(out).toContain(c.text);
    }
  });
});
