/**
 * Runs the EQL conformance suites (../shared/conformance) through `runEql` and compares the
 * returned event ids (order included) with the reference implementations' answers.
 */
import { readFileSync } from "node:fs";
import { Dataset, ingestBytes } from "../../src/index.ts";
import { runEql, type EqlHit, type EqlOptions, type EqlResponse } from "../../src/api/eql.ts";
import { applyMapping } from "../../src/exec/mapping.ts";
import { evalExpr } from "../../src/exec/expr.ts";
import { parseEqlExpression } from "../../src/lang/eql/parser.ts";
import { lowerEqlExpression } from "../../src/lang/eql/lower.ts";

const ROOT = new URL("../../../../../shared/conformance/", import.meta.url);

export interface CaseResult {
  name: string;
  query: string;
  status: string;
  passed: boolean;
  reason: string;
}

function readJsonl<T>(url: URL): T[] {
  return readFileSync(url, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

function idsOf(r: EqlResponse, idField: string): number[] {
  const id = (e: EqlHit): number => {
    if ("missing" in e) return -1;
    const v = getPath(e._source, idField);
    return typeof v === "number" ? v : Number(v);
  };
  if (r.hits.sequences) return r.hits.sequences.flatMap((s) => s.events.map(id));
  return (r.hits.events ?? []).map(id);
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function keyText(v: unknown): string {
  return v === null || v === undefined ? "null" : String(v);
}

const same = (a: unknown[], b: unknown[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

interface ElasticCase {
  name: string;
  query: string;
  index: string;
  expected_event_ids: number[];
  expected_event_ids_any_of?: number[][];
  join_keys?: string[];
  id_field: string;
  tiebreaker_field: string | null;
  size?: number;
  max_samples_per_key?: number;
  status: string;
  status_reason?: string;
}

/** Every query of eql-elastic, run on its indices with their mappings. */
export function runElasticSuite(filter?: (c: ElasticCase) => boolean): CaseResult[] {
  const dir = new URL("eql-elastic/", ROOT);
  const indices = JSON.parse(readFileSync(new URL("indices.json", dir), "utf8")) as Record<string, string>;
  const cases = readJsonl<ElasticCase>(new URL("queries.jsonl", dir)).filter((c) => !c.index.includes("endgame-shard-failures") && (!filter || filter(c)));
  const datasets = new Map<string, Dataset>();
  const load = (index: string): Dataset => {
    let ds = datasets.get(index);
    if (ds) return ds;
    ds = new Dataset();
    for (const name of index.split(",")) {
      const file = indices[name];
      if (!file) throw new Error(`unknown index ${name}`);
      ingestBytes(ds, `${name}.ndjson`, readFileSync(new URL(file, dir)));
    }
    for (const name of index.split(",")) {
      const mapping = readFileSync(new URL(`source/data/${name}.mapping`, dir), "utf8");
      applyMapping(ds, mapping, { index: name });
    }
    datasets.set(index, ds);
    return ds;
  };
  return cases.map((c) => {
    const opts: EqlOptions = {
      size: c.size ?? 50,
      eventCategoryField: "event.category",
      timestampField: "@timestamp",
      tiebreakerField: c.tiebreaker_field,
      ...(c.max_samples_per_key !== undefined ? { maxSamplesPerKey: c.max_samples_per_key } : {}),
    };
    return check(c.name, c.query, c.status, () => {
      const r = runEql(load(c.index), c.query, opts);
      const got = idsOf(r, c.id_field);
      const okIds = c.expected_event_ids_any_of ? c.expected_event_ids_any_of.some((e) => same(e, got)) : same(c.expected_event_ids, got);
      if (!okIds) return `ids ${JSON.stringify(got)} != expected ${JSON.stringify(c.expected_event_ids_any_of ?? c.expected_event_ids)}`;
      if (c.join_keys && r.hits.sequences) {
        const keys = r.hits.sequences.flatMap((s) => s.join_keys.map(keyText));
        if (!same(keys, c.join_keys.map(keyText))) return `join_keys ${JSON.stringify(keys)} != expected ${JSON.stringify(c.join_keys)}`;
      }
      return null;
    });
  });
}

interface EndgameCase {
  name: string;
  query: string;
  expected_event_ids: number[];
  case_modes: Array<"case_sensitive" | "case_insensitive">;
  status: string;
}

/** Every query of eql-endgame in each case mode it lists (a case passes when every mode passes). */
export function runEndgameSuite(filter?: (c: EndgameCase) => boolean): CaseResult[] {
  const dir = new URL("eql-endgame/", ROOT);
  const ds = new Dataset();
  ingestBytes(ds, "events.ndjson", readFileSync(new URL("events.ndjson", dir)));
  const cases = readJsonl<EndgameCase>(new URL("queries.jsonl", dir)).filter((c) => !filter || filter(c));
  return cases.map((c) =>
    check(c.name, c.query, c.status, () => {
      for (const mode of c.case_modes) {
        const r = runEql(ds, c.query, {
          dialect: "endgame",
          caseSensitive: mode === "case_sensitive",
          size: 10000,
          eventCategoryField: "event_type",
          timestampField: "timestamp",
          tiebreakerField: "serial_event_id",
        });
        const got = idsOf(r, "serial_event_id");
        if (!same(got, c.expected_event_ids)) return `${mode}: ids ${JSON.stringify(got)} != expected ${JSON.stringify(c.expected_event_ids)}`;
      }
      return null;
    }),
  );
}

function check(name: string, query: string, status: string, run: () => string | null): CaseResult {
  let reason: string | null;
  try {
    reason = run();
  } catch (e) {
    reason = `${(e as Error).name}: ${(e as Error).message}`;
  }
  return { name, query, status, passed: reason === null, reason: reason ?? "" };
}

/** Pass counts by status, for the README and the test log. */
export function tally(results: CaseResult[]): Record<string, { passed: number; total: number }> {
  const out: Record<string, { passed: number; total: number }> = {};
  for (const r of results) {
    const t = (out[r.status] ??= { passed: 0, total: 0 });
    t.total++;
    if (r.passed) t.passed++;
  }
  return out;
}

interface ExpressionCase {
  expression: string;
  expected: unknown;
  case_modes: Array<"case_sensitive" | "case_insensitive">;
}

/** Endgame's constant expressions (folding and string-function tests), evaluated by the row evaluator. */
export function runEndgameExpressions(): CaseResult[] {
  const cases = readJsonl<ExpressionCase>(new URL("eql-endgame/expressions.jsonl", ROOT));
  return cases.map((c) =>
    check(c.expression, c.expression, "supported", () => {
      for (const mode of c.case_modes) {
        const expr = lowerEqlExpression(parseEqlExpression(c.expression), { dialect: "endgame", caseSensitive: mode === "case_sensitive" });
        const got = evalExpr(expr, () => null, { integerDivision: true, pythonTruth: true });
        const want = c.expected ?? null;
        const equal = typeof want === "number" && typeof got === "number" ? Math.abs(want - got) < 1e-9 : JSON.stringify(got) === JSON.stringify(want);
        if (!equal) return `${mode}: ${JSON.stringify(got)} != expected ${JSON.stringify(want)}`;
      }
      return null;
    }),
  );
}
