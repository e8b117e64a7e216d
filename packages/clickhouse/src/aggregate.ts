/**
 * SPL `stats` run inside ClickHouse: `search | stats AGG… [by F…]` becomes one GROUP BY query,
 * and only the groups come back. It is used only where the SQL is exact for Splunk's semantics
 * (the search compiles exactly; BY fields are scalar columns; count, count(F), dc(F), and sum /
 * avg / min / max over numeric columns); anything else returns null and the caller runs the
 * query on the streamed events instead. Group order follows Splunk (numbers before text,
 * numbers numerically), as the local executor sorts.
 */
import { compareScalarsSpl, type Aggregation, type QueryPlan, type Scalar } from "@quarry/engine";
import { fieldSql, planPredicate, withLiveSegments, type CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import { tables, type DatasetInfo } from "./layout.ts";
import { ident, literal } from "./sql.ts";

/** Rows and field names of a pushed-down aggregation, in the local executor's shapes. */
export interface PushedTable {
  fields: string[];
  results: Array<Record<string, Scalar>>;
  scanned: number;
  sql: string;
}

/** Text that ClickHouse and JavaScript both read as the same number: short integers. */
const INT_TEXT = literal("^-?[0-9]{1,15}$");
/** Text the engine's `numberOf` may read as a number (padded, signed, decimal, exponent, hex): not sure to agree, so not pushed. */
const OTHER_NUMBER = literal("^[\\s\\p{Zs}\\x{feff}\\x{2028}\\x{2029}]*(?:[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX][0-9a-fA-F]+)[\\s\\p{Zs}\\x{feff}\\x{2028}\\x{2029}]*$");

/**
 * Runs `plan`'s search and first pipe in ClickHouse when it is `search | stats …` with an exact
 * SQL form; else null. Later pipes are the caller's (they run locally on the returned table).
 */
export async function pushStats(conn: Connection, dataset: string, info: DatasetInfo, plan: QueryPlan, outer: CompileContext, req: RequestOptions): Promise<PushedTable | null> {
  if (plan.source.kind !== "events" || plan.pipes.length === 0) return null;
  const pipe = plan.pipes[0]!;
  if (pipe.kind !== "stats" || pipe.mode !== "stats") return null;
  const ctx = withLiveSegments(plan, outer);
  const pred = planPredicate(plan, outer);
  if (pred !== null && !pred.exact) return null;
  if (pred === null && !isTrue(plan)) return null;
  const keys: string[] = [];
  for (const f of pipe.by) {
    const col = scalarField(f, info, ctx);
    if (!col) return null;
    keys.push(col.sql);
  }
  const selects: string[] = keys.map((k, i) => `${k} AS k${i}`);
  // Local groups are keyed by Splunk's text form of a number: only whole numbers are sure to map one to one.
  keys.forEach((k, i) => {
    if (isNumericKey(pipe.by[i]!, ctx)) selects.push(`max(${k} != floor(${k})) AS frack${i}`);
  });
  const readers: Array<(row: Record<string, unknown>) => Scalar> = [];
  for (let i = 0; i < pipe.aggregations.length; i++) {
    const r = aggregationSql(pipe.aggregations[i]!, i, info, ctx, selects);
    if (!r) return null;
    readers.push(r);
  }
  const t = tables(dataset);
  const loads = info.loads.map((l) => literal(l.load)).join(", ") || "''";
  const where = [`_load IN (${loads})`, ...(pred ? [`(${pred.sql})`] : [])];
  const groupWhere = [...where, ...keys.map((k) => `isNotNull(${k})`)];
  const sql =
    `SELECT ${selects.length ? selects.join(", ") : "count() AS n"} FROM ${ident(t.events)} WHERE ${groupWhere.join(" AND ")}` +
    (keys.length ? ` GROUP BY ${keys.map((_, i) => `k${i}`).join(", ")}` : "");
  const rows = await conn.rows(sql, req);
  const total = await conn.rows<{ n: string }>(`SELECT count() AS n FROM ${ident(t.events)} WHERE ${where.join(" AND ")}`, req);
  const groups = rows.map((row) => ({ key: keys.map((_, i) => scalarOf(row[`k${i}`])), row }));
  groups.sort((a, b) => compareKeys(a.key, b.key));
  if (groups.length === 0 && keys.length === 0) return null;
  // A sum over non-integers may round differently in another order: let the local executor add them.
  if (rows.some(flagged)) return null;
  const results = groups.map(({ key, row }) => {
    const out: Record<string, Scalar> = {};
    pipe.by.forEach((f, i) => (out[f] = key[i]!));
    readers.forEach((read, i) => {
      const v = read(row);
      if (v !== null) out[pipe.aggregations[i]!.as] = v;
    });
    return out;
  });
  const fields = [...pipe.by, ...pipe.aggregations.map((a) => a.as).filter((f) => !pipe.by.includes(f))];
  return { fields, results, scanned: Number(total[0]?.n ?? 0), sql };
}

function isNumericKey(name: string, ctx: CompileContext): boolean {
  return fieldSql(name, ctx)?.type === "Nullable(Float64)";
}

function isTrue(plan: QueryPlan): boolean {
  return plan.source.kind === "events" && plan.source.where.kind === "literal" && plan.source.where.value === true;
}

/** A BY or argument field that is one scalar value per event (no arrays, no booleans). */
export function scalarField(name: string, info: DatasetInfo, ctx: CompileContext) {
  const f = fieldSql(name, ctx);
  if (!f || f.type === "Array(String)") return null;
  const stored = new Set<string>([name]);
  const live = info.segments.filter((s) => !ctx.live || ctx.live.has(s.id));
  for (const s of live) for (const [a, target] of s.aliases) if (a === name) stored.add(target);
  for (const s of live) for (const [n, kind, bool] of s.columns) if (stored.has(n) && (bool || kind === "multi")) return null;
  return f;
}

/** Reads one aggregation's value from a result row of its SELECT terms (null = no value). */
export type AggregationReader = (row: Record<string, unknown>) => Scalar;

/** Whether a result row carries a flag (`frac…` > 0) saying the SQL may not match the local executor. */
export function flagged(row: Record<string, unknown>): boolean {
  for (const k in row) if (k.startsWith("frac") && Number(row[k]) > 0) return true;
  return false;
}

/** Whether an aggregation has an exact SQL form over one group (count, count(F), dc(F), sum/avg/min/max(F)). */
export function isPushableAggregation(a: Aggregation): boolean {
  return (a.fn === "count" && !a.arg) || (["count", "dc", "sum", "avg", "min", "max"].includes(a.fn) && a.arg?.kind === "field");
}

/**
 * The SELECT terms (appended to `selects`, named `a<i>`, `n<i>`, `frac<i>`) that compute
 * aggregation `a` over a group exactly as the local executor does, and the reader of its value;
 * null when there is no exact SQL form. A `frac<i>` above 0 in a result row means "not sure to
 * agree" (see `flagged`): the caller then streams the query instead.
 */
export function aggregationSql(a: Aggregation, i: number, info: DatasetInfo, ctx: CompileContext, selects: string[]): AggregationReader | null {
  if (a.fn === "count" && !a.arg) {
    selects.push(`count() AS a${i}`);
    return (row) => Number(row[`a${i}`]);
  }
  if (!a.arg || a.arg.kind !== "field" || a.arg.index !== undefined || a.arg.event !== undefined) return null;
  const f = scalarField(a.arg.name, info, ctx);
  if (!f) return null;
  // The numeric value of each event: a Float64 column as is; text only when it is a short integer,
  // with flags that send the query back to the local executor when other numeric text (or, for
  // min/max, any text that is not a number) is present.
  const isNum = f.type === "Nullable(Float64)";
  const num = isNum ? f.sql : `if(match(${f.sql}, ${INT_TEXT}), toFloat64(${f.sql}), NULL)`;
  const fracFlag = isNum ? `countIf(${f.sql} != floor(${f.sql}))` : `countIf(NOT match(${f.sql}, ${INT_TEXT}) AND match(${f.sql}, ${OTHER_NUMBER}))`;
  // Whole numbers add up exactly in any order only while every partial sum stays below 2^53.
  const bigFlag = `(ifNull(sum(abs(${num})), 0) >= 9007199254740992)`;
  switch (a.fn) {
    case "count":
      selects.push(`count(${f.sql}) AS a${i}`);
      return (row) => Number(row[`a${i}`]);
    case "dc":
      if (isNum) selects.push(`countIf(${f.sql} != floor(${f.sql})) AS frac${i}`);
      // `+ 0` turns -0 into 0: both are the text "0" locally.
      selects.push(`uniqExact(${isNum ? `${f.sql} + 0` : f.sql}) AS a${i}`);
      return (row) => Number(row[`a${i}`]);
    case "sum":
    case "avg":
      selects.push(`sum(${num}) AS a${i}`, `count(${num}) AS n${i}`, `(${fracFlag}) + ${bigFlag} AS frac${i}`);
      return (row) => {
        const n = Number(row[`n${i}`]);
        if (n === 0) return null;
        const sum = Number(row[`a${i}`]);
        return a.fn === "sum" ? sum : sum / n;
      };
    case "min":
    case "max":
      selects.push(`${a.fn}(${num}) AS a${i}`, `count(${num}) AS n${i}`);
      if (!isNum) selects.push(`countIf(isNotNull(${f.sql}) AND NOT match(${f.sql}, ${INT_TEXT})) AS frac${i}`);
      return (row) => (Number(row[`n${i}`]) === 0 ? null : Number(row[`a${i}`]));
    default:
      return null;
  }
}

function scalarOf(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}

/** Splunk's order of group keys: numbers (and numeric text) numerically first, then text. */
function compareKeys(a: Scalar[], b: Scalar[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareScalarsSpl(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

