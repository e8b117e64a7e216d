/**
 * EQL conformance: every query of ../shared/conformance/eql-elastic and eql-endgame is run and its
 * event ids (order included) compared with the reference implementations' answers. Every query
 * marked `supported` must pass; the others are run and counted. Failures are listed with reasons.
 */
import { describe, expect, it } from "vitest";
import { runElasticSuite, runEndgameExpressions, runEndgameSuite, tally, type CaseResult } from "./runner.ts";

function report(suite: string, results: CaseResult[]): CaseResult[] {
  const counts = tally(results);
  const line = Object.entries(counts)
    .map(([status, c]) => `${status} ${c.passed}/${c.total}`)
    .join(", ");
  console.log(`${suite}: ${line}`);
  const failed = results.filter((r) => !r.passed);
  for (const f of failed) console.log(`  ${f.status === "supported" ? "FAIL" : "not passing"} [${f.status}] ${f.name}: ${f.reason}`);
  return failed.filter((r) => r.status === "supported");
}

describe("EQL conformance", () => {
  it("eql-elastic: every supported query returns the expected ids", () => {
    const results = runElasticSuite();
    expect(results.filter((r) => r.status === "supported").length).toBe(241);
    expect(report("eql-elastic", results).map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
  });

  it("eql-endgame: every query returns the expected ids in each case mode", () => {
    const results = runEndgameSuite();
    expect(results.length).toBe(241);
    expect(report("eql-endgame", results).map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
  });

  it("eql-endgame expressions: every constant expression folds to the expected value", () => {
    const results = runEndgameExpressions();
    expect(results.length).toBe(208);
    expect(report("eql-endgame expressions", results).map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
  });
});
