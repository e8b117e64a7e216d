/**
 * SPL `search | timechart [span=…] count [by F]` run inside ClickHouse. ClickHouse counts events
 * per fine bucket (`intDiv(_ms, g)`, 18.16 has no toStartOfInterval) and BY value; the engine's own
 * `bucketStart` then maps each fine bucket to its timechart bucket, and the series, `limit`/`OTHER`
 * and `NULL` columns are built as the engine's timechart fast path builds them.
 *
 * Why the fine buckets are exact: for spans of a day or more the engine's bucket is constant on
 * each UTC quarter hour (it caches on that), so g = 15 min; below a day buckets start on local
 * wall-clock multiples of the span, and zone offsets change on whole minutes, so every bucket edge
 * is a multiple of g = gcd(span, 1 min). Each fine bucket is also checked to start and end in the
 * same timechart bucket; anything unexpected (negative times, fractional BY numbers, two series
 * names Splunk orders as equal, too many buckets) returns null and the query is streamed instead.
 */
import { MAX_BUCKETS, autoSpanMs, bucketStart, checkBucketCount, compareSeriesNames, limitSeries, type Pipe, type QueryPlan, type Scalar } from "@quarry/engine";
import { scalarField, type PushedTable } from "./aggregate.ts";
import { planPredicate, withLiveSegments, type CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import { tables, type DatasetInfo } from "./layout.ts";
import { ident, literal } from "./sql.ts";

const DAY = 86_400_000;
const QUARTER_HOUR = 900_000;
const MINUTE = 60_000;

type Timechart = Extract<Pipe, { kind: "timechart" }>;

/** Runs `plan` in ClickHouse when it is `search | timechart count [by F]` with an exact SQL form; else null. */
export async function pushTimechart(
  conn: Connection,
  dataset: string,
  info: DatasetInfo,
  plan: QueryPlan,
  outer: CompileContext,
  tz: string,
  req: RequestOptions,
): Promise<PushedTable | null> {
  if (plan.source.kind !== "events" || plan.pipes.length !== 1) return null;
  const p = plan.pipes[0]!;
  if (p.kind !== "timechart" || p.aggregations.length !== 1) return null;
  const agg = p.aggregations[0]!;
  if (agg.fn !== "count" || agg.arg) return null;
  if (p.spanMs !== null && (!Number.isInteger(p.spanMs) || p.spanMs <= 0)) return null;
  const pred = planPredicate(plan, outer);
  if (pred !== null ? !pred.exact : !(plan.source.where.kind === "literal" && plan.source.where.value === true)) return null;
  const ctx = withLiveSegments(plan, outer);
  let by: { sql: string; numeric: boolean } | null = null;
  if (p.by !== null) {
    if (p.by.startsWith("_") || p.by.includes("*")) return null;
    const f = scalarField(p.by, info, ctx);
    if (!f) return null;
    by = { sql: f.sql, numeric: f.type === "Nullable(Float64)" };
  }
  const t = tables(dataset);
  const where = [`_load IN (${info.loads.map((l) => literal(l.load)).join(", ") || "''"})`, ...(pred ? [`(${pred.sql})`] : [])];
  const extent = await conn.rows<{ n: string; timed: string; lo: number | null; hi: number | null }>(
    `SELECT count() AS n, countIf(isNotNull(_ts)) AS timed, min(_ts) AS lo, max(_ts) AS hi FROM ${ident(t.events)} WHERE ${where.join(" AND ")}`,
    req,
  );
  const scanned = Number(extent[0]?.n ?? 0);
  // No timed event: the engine's fast path declines and the general timechart answers.
  if (Number(extent[0]?.timed ?? 0) === 0) return null;
  let lo = Number(extent[0]!.lo);
  let hi = Number(extent[0]!.hi);
  if (!(lo >= 0)) return null;
  const range = plan.timeRange;
  if (range?.earliest != null) lo = Math.min(lo, range.earliest);
  if (range?.latest != null) hi = Math.max(hi, range.latest - 1);
  const span = p.spanMs ?? autoSpanMs((range?.latest ?? hi) - (range?.earliest ?? lo));
  try {
    checkBucketCount(lo, hi, span);
  } catch {
    return null;
  }
  const g = span >= DAY ? QUARTER_HOUR : gcd(span, MINUTE);
  const sql =
    `SELECT intDiv(_ms, ${g}) AS fb, ${by ? `${by.sql} AS k, ` : ""}count() AS c${by?.numeric ? `, max(${by.sql} != floor(${by.sql})) AS frac` : ""}` +
    ` FROM ${ident(t.events)} WHERE ${[...where, "isNotNull(_ts)"].join(" AND ")} GROUP BY fb${by ? ", k" : ""}`;
  const rows = await conn.rows<{ fb: string; k?: unknown; c: string; frac?: number }>(sql, req);
  if (rows.some((r) => Number(r.frac ?? 0) > 0)) return null;
  // The engine's buckets over [lo, hi].
  const starts: number[] = [];
  for (let b = bucketStart(lo, span, tz), n = 0; b <= hi && n < MAX_BUCKETS; n++) {
    starts.push(b);
    const next = bucketStart(b + span + (span >= DAY ? 7_200_000 : 0), span, tz);
    b = next > b ? next : b + span;
  }
  const index = new Map<number, number>();
  starts.forEach((s, i) => index.set(s, i));
  const nb = starts.length;
  const totals = new Float64Array(nb);
  const series = new Map<string, { counts: Float64Array; total: number }>();
  const add = (key: string, b: number, n: number) => {
    let sr = series.get(key);
    if (!sr) series.set(key, (sr = { counts: new Float64Array(nb), total: 0 }));
    sr.counts[b]! += n;
    sr.total += n;
  };
  const useNull = p.useNull ?? true;
  for (const r of rows) {
    const m = Number(r.fb) * g;
    const first = bucketStart(m, span, tz);
    if (bucketStart(m + g - 1, span, tz) !== first) return null;
    const b = index.get(first);
    if (b === undefined) return null;
    const c = Number(r.c);
    totals[b]! += c;
    if (!by) continue;
    const k = r.k;
    if (k === null || k === undefined) {
      if (useNull) add("NULL", b, c);
    } else add(String(k), b, c);
  }
  const name = agg.as;
  if (!by) return { fields: ["_time", name], results: starts.map((s, b) => ({ _time: s / 1000, [name]: totals[b]! })), scanned, sql };
  const shaped = shapeSeries(p, starts, series);
  return shaped ? { ...shaped, scanned, sql } : null;
}

/** Keeps the `limit` largest series (the rest summed into OTHER) and orders the columns, as the engine does. */
function shapeSeries(p: Timechart, starts: number[], series: Map<string, { counts: Float64Array; total: number }>): Omit<PushedTable, "scanned" | "sql"> | null {
  const nb = starts.length;
  const { keys, other, hasOther } = limitSeries(series, p.limit, nb);
  // Two names Splunk orders as equal ("1" and "1.0") keep the engine's first-seen order, which SQL does not know.
  for (let i = 1; i < keys.length; i++) if (compareSeriesNames(keys[i - 1]!, keys[i]!) === 0) return null;
  const useOther = hasOther && p.useOther;
  const results = starts.map((s, b) => {
    const row: Record<string, Scalar> = { _time: s / 1000 };
    for (const k of keys) row[k] = series.get(k)!.counts[b]!;
    if (useOther) row.OTHER = other[b]!;
    return row;
  });
  return { fields: ["_time", ...keys, ...(useOther ? ["OTHER"] : [])], results };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
