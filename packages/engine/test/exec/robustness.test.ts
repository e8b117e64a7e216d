/**
 * Bad queries never crash the executor: every conformance query, and random mutations of them
 * (fast-check), either runs or fails with a query-level error (QueryError, EvalError, ExecError) —
 * never a TypeError or a hang.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import { runEql } from "../../src/api/eql.ts";
import { QueryError } from "../../src/lang/errors.ts";
import { EvalError } from "../../src/exec/expr.ts";
import { ExecError } from "../../src/exec/run.ts";

const DIR = new URL("../../../../../shared/conformance/eql-endgame/", import.meta.url);
const ds = new Dataset();
ingestBytes(ds, "events.ndjson", readFileSync(new URL("events.ndjson", DIR)));
const queries = readFileSync(new URL("queries.jsonl", DIR), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { query: string }).query);

const FRAGMENTS = [" and ", " or ", " not ", "==", "!=", ":", " like~ ", " regex ", "(", ")", "[", "]", '"*"', '"(a+)+"', "null", "?x", "-1", "1e309", "events[3].pid", "pid[9]", "| head 0", "| tail 2", "| sort pid", "| count", "| unique pid", "with maxspan=1ms", "by pid", "until [any where true]", "![any where true]", "with runs=3", "descendant of [any where true]", "length(", "divide(1, 0)", "cidrMatch(pid, \"x\")", "number(\"zz\", 99)", "substring(\"a\", -99, 99)"];

function run(query: string): void {
  try {
    for (const dialect of ["elastic", "endgame"] as const) {
      runEql(ds, query, { dialect, size: 20, eventCategoryField: "event_type", timestampField: "timestamp", tiebreakerField: "serial_event_id" });
    }
  } catch (e) {
    if (e instanceof QueryError || e instanceof EvalError || e instanceof ExecError) return;
    throw new Error(`query ${JSON.stringify(query)} threw ${(e as Error).name}: ${(e as Error).message}`);
  }
}

describe("executor robustness", () => {
  it("runs every conformance query in both dialects without crashing", () => {
    for (const q of queries) run(q);
  });

  it("executes every detection rule of the corpus that parses (1081 rules) without an error", () => {
    const regsvr = readFileSync(new URL("../../../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url));
    const data = new Dataset();
    ingestBytes(data, "events.ndjson", readFileSync(new URL("events.ndjson", DIR)));
    ingestBytes(data, "regsvr32.json", regsvr);
    const rules = readFileSync(new URL("../../../../../shared/corpora/detection-rules-eql.jsonl", import.meta.url), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { query: string }).query);
    let ran = 0;
    const failures: string[] = [];
    for (const rule of rules) {
      try {
        runEql(data, rule, { size: 10 });
        ran++;
      } catch (e) {
        // Rules the parser rejects (unsupported syntax) are counted by the parser's own test.
        if (e instanceof QueryError) continue;
        failures.push(`${(e as Error).name}: ${(e as Error).message} in ${rule.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(ran).toBe(1081);
  });

  it("survives random mutations of real queries", () => {
    fc.assert(
      fc.property(fc.constantFrom(...queries), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...FRAGMENTS)), { maxLength: 4 }), (q, edits) => {
        let text = q;
        for (const [at, frag] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + frag + text.slice(i);
        }
        const started = performance.now();
        run(text);
        expect(performance.now() - started).toBeLessThan(15000);
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });
});
