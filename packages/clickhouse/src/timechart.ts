/**
 * SPL `search | timechart [span=…] AGG… [by F]` run inside ClickHouse: one GROUP BY over (bucket,
 * BY value) computes every cell — count, count(F), dc(F), sum/avg/min/max(F), several at once —
 * with the bucket of each event given by the engine's own bucketing written as SQL
 * (`src/buckets.ts`); the series, `limit`/OTHER and NULL columns are then laid out as the engine's
 * pivot lays them out (`src/series.ts`), empty buckets included. Anything unexpected (negative
 * times, fractional or huge BY numbers, two series names Splunk orders as equal, values that may
 * sum differently in another order, too many buckets) returns null and the query is streamed.
 */
import { autoSpanMs, checkBucketCount, type QueryPlan } from "@quarry/engine";
import { isPushableAggregation, scalarField, type PushedTable } from "./aggregate.ts";
import { timeBuckets } from "./buckets.ts";
import { planPredicate, withLiveSegments, type CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import { tables, type DatasetInfo } from "./layout.ts";
import { seriesCells } from "./series.ts";
import { ident, literal } from "./sql.ts";

/** Runs `plan`'s search and first pipe in ClickHouse when it is `search | timechart …` with an exact SQL form; else null. */
export async function pushTimechart(
  conn: Connection,
  dataset: string,
  info: DatasetInfo,
  plan: QueryPlan,
  outer: CompileContext,
  tz: string,
  req: RequestOptions,
): Promise<PushedTable | null> {
  if (plan.source.kind !== "events" || plan.pipes.length === 0) return null;
  const p = plan.pipes[0]!;
  if (p.kind !== "timechart" || p.aggregations.length === 0 || !p.aggregations.every(isPushableAggregation)) return null;
  if (p.spanMs !== null && (!Number.isInteger(p.spanMs) || p.spanMs <= 0)) return null;
  if (!Number.isInteger(p.limit)) return null;
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
  const buckets = timeBuckets(lo, hi, span, tz);
  if (!buckets) return null;
  const cells = await seriesCells(conn, req, {
    from: ident(t.events),
    where: [...where, "isNotNull(_ts)"],
    row: { sql: buckets.sql, numeric: false },
    by,
    aggregations: p.aggregations,
    limit: p.limit,
    useOther: p.useOther,
    useNull: p.useNull ?? true,
    info,
    ctx,
  });
  if (!cells) return null;
  const nb = buckets.starts.length;
  if (cells.rowKeys.some((k) => !(Number(k) >= 0 && Number(k) < nb))) return null;
  const present = new Set(cells.rowKeys.map(Number));
  const order = buckets.starts.map((s, i) => ({ key: present.has(i) ? i : undefined, value: s / 1000 }));
  return { ...cells.layout(order, "_time"), scanned, sql: cells.sql };
}
