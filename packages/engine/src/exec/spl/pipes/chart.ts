import type { Aggregation, Pipe } from "../../../lang/plan.ts";
import { bucketStart, bucketStarts } from "../../../lang/spl/time.ts";
import type { Scalar } from "../../../store/types.ts";
import type { Value } from "../../functions/registry.ts";
import { aggInput, computeAgg, emptyCell } from "../aggregate.ts";
import { SplExecError } from "../errors.ts";
import { splRuntime } from "../runtime.ts";
import type { Row, Table } from "../table.ts";
import { compareScalarsSpl, keyOf, numberOf, textOf, valuesOf } from "../values.ts";

type Timechart = Extract<Pipe, { kind: "timechart" }>;
type Chart = Extract<Pipe, { kind: "chart" }>;

/** The most time buckets a timechart may draw; more is an error, never a silent cut. */
export const MAX_BUCKETS = 100_000;

/** Throws when a span would cut [lo, hi] into more than MAX_BUCKETS buckets. */
export function checkBucketCount(lo: number, hi: number, span: number): void {
  const n = Math.floor((hi - lo) / span) + 1;
  if (n > MAX_BUCKETS) throw new SplExecError(`timechart span too small: ${n} buckets (at most ${MAX_BUCKETS}); use a larger span`);
}

const SPAN_THRESHOLDS_S = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 86400, 2592000];

/**
 * Splunk's automatic timechart span (bins=100): the smallest of its span thresholds (1s, 5s, 10s,
 * 30s, 1m, 5m, 10m, 30m, 1h, 1d, 30d) giving at most 100 buckets over the range. This reproduces
 * the documented defaults: 15 minutes → 10s, 60 minutes → 1m, 4 hours → 5m, 24 hours → 30m,
 * 7 and 30 days → 1d, a year → one month.
 */
export function autoSpanMs(rangeMs: number): number {
  for (const s of SPAN_THRESHOLDS_S) if (Math.ceil(rangeMs / (s * 1000)) <= 100) return s * 1000;
  return SPAN_THRESHOLDS_S[SPAN_THRESHOLDS_S.length - 1]! * 1000;
}

interface Cell {
  rows: number[];
}

/** Builds the series × row matrix of chart/timechart and renders it as a wide table. */
function pivot(
  table: Table,
  rowKeyOf: (row: Row) => string | null,
  rowKeys: string[],
  rowField: string,
  rowValue: (k: string) => Scalar,
  aggs: Aggregation[],
  by: string | null,
  limit: number,
  useOther: boolean,
  useNull: boolean,
): Table {
  const cells = new Map<string, Map<string, Cell>>();
  const seriesRows = new Map<string, number[]>();
  table.rows.forEach((row, i) => {
    const rk = rowKeyOf(row);
    if (rk === null) return;
    let series: string[];
    if (by === null) series = [""];
    else {
      const vs = valuesOf(row[by] ?? null);
      if (vs.length === 0) {
        if (!useNull) return;
        series = ["NULL"];
      } else series = vs.map(textOf);
    }
    let m = cells.get(rk);
    if (!m) cells.set(rk, (m = new Map()));
    for (const s of series) {
      let c = m.get(s);
      if (!c) m.set(s, (c = { rows: [] }));
      c.rows.push(i);
      let sr = seriesRows.get(s);
      if (!sr) seriesRows.set(s, (sr = []));
      sr.push(i);
    }
  });
  const times = table.rows.map((r) => numberOf(Array.isArray(r._time) ? (r._time[0] ?? null) : (r._time ?? null)) ?? NaN);
  const weights = table.weightField ? table.rows.map((r) => numberOf((r[table.weightField!] as Scalar) ?? null) ?? 0) : null;
  const agg = (a: Aggregation, idx: number[]): Value =>
    computeAgg(a, idx.map((i) => aggInput(a, table.rows[i]!)), idx.map((i) => times[i]!), weights ? idx.map((i) => weights[i]!) : null);

  // Keep the `limit` series with the largest totals of the first aggregation; the rest become OTHER.
  let series = [...seriesRows.keys()];
  let other: Set<string> = new Set();
  if (by !== null && limit > 0 && series.length > limit) {
    const score = new Map(series.map((s) => [s, numberOf((agg(aggs[0]!, seriesRows.get(s)!) as Scalar) ?? null) ?? 0]));
    const ranked = [...series].sort((a, b) => score.get(b)! - score.get(a)! || (a < b ? -1 : 1));
    const kept = new Set(ranked.slice(0, limit));
    other = new Set(series.filter((s) => !kept.has(s)));
    series = series.filter((s) => kept.has(s));
  }
  series.sort((a, b) => (a === "NULL" ? 1 : b === "NULL" ? -1 : compareScalarsSpl(a, b)));
  const includeOther = other.size > 0 && useOther;
  const columns: Array<{ name: string; agg: Aggregation; series: string[] }> = [];
  for (const a of aggs) {
    const names = by === null ? [""] : [...series, ...(includeOther ? ["OTHER"] : [])];
    for (const s of names) {
      const name = by === null ? a.as : aggs.length === 1 ? s : `${a.as}: ${s}`;
      columns.push({ name, agg: a, series: s === "OTHER" && by !== null ? [...other] : [s] });
    }
  }
  const rows: Row[] = rowKeys.map((rk) => {
    const row: Row = { [rowField]: rowValue(rk) };
    const m = cells.get(rk);
    for (const c of columns) {
      const idx: number[] = [];
      for (const s of c.series) idx.push(...(m?.get(s)?.rows ?? []));
      const v = idx.length === 0 ? emptyCell(c.agg) : agg(c.agg, idx);
      if (v !== null) row[c.name] = v;
    }
    return row;
  });
  return { rows, fields: [rowField, ...columns.map((c) => c.name)] };
}

/** timechart: buckets _time by the span (automatic when absent), one column per series. */
export function runTimechart(table: Table, p: Timechart, range: { earliest: number | null; latest: number | null } | undefined): Table {
  const tz = splRuntime.tz;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of table.rows) {
    const t = numberOf((r._time as Scalar) ?? null);
    if (t === null) continue;
    lo = Math.min(lo, t * 1000);
    hi = Math.max(hi, t * 1000);
  }
  if (range?.earliest != null) lo = Math.min(lo, range.earliest);
  if (range?.latest != null && Number.isFinite(hi)) hi = Math.max(hi, range.latest - 1);
  if (!Number.isFinite(lo)) return { rows: [], fields: ["_time"] };
  const span = p.spanMs ?? autoSpanMs((range?.latest ?? hi) - (range?.earliest ?? lo));
  // Continuous buckets from the first to the last, as Splunk draws them.
  checkBucketCount(lo, hi, span);
  const keys = bucketStarts(lo, hi, span, tz, MAX_BUCKETS).map(String);
  return pivot(
    table,
    (row) => {
      const t = numberOf((row._time as Scalar) ?? null);
      return t === null ? null : String(bucketStart(t * 1000, span, tz));
    },
    keys,
    "_time",
    (k) => Number(k) / 1000,
    p.aggregations,
    p.by,
    p.limit,
    p.useOther,
    p.useNull ?? true,
  );
}

/** chart: one row per OVER value (sorted), one column per aggregation or per BY value. */
export function runChart(table: Table, p: Chart): Table {
  const values = new Map<string, Scalar>();
  for (const r of table.rows) for (const v of valuesOf(r[p.over] ?? null)) values.set(keyOf(v), v);
  const keys = [...values.keys()].sort((a, b) => compareScalarsSpl(values.get(a)!, values.get(b)!));
  return pivot(
    table,
    (row) => {
      const v = valuesOf(row[p.over] ?? null);
      return v.length === 0 ? null : keyOf(v[0]!);
    },
    keys,
    p.over,
    (k) => values.get(k)!,
    p.aggregations,
    p.by,
    p.limit,
    p.useOther,
    p.useNull ?? true,
  );
}
