/**
 * The cells of `chart` and `timechart` computed in ClickHouse and shaped as the engine's pivot
 * shapes them. Rows are keyed by a SQL expression (the timechart bucket index, the chart OVER
 * value), series by the BY value; every cell is one GROUP BY group, so any aggregation with an
 * exact SQL form over one group (count, count(F), dc(F), sum/avg/min/max(F)) is exact per cell,
 * decomposable or not. With `limit`, series are ranked by the first aggregation over all their
 * events (one more GROUP BY); OTHER is aggregated over the events of the series left out (one
 * more GROUP BY per row key), never summed from the kept ones — so `avg` and `dc` are exact there
 * too. Column names, empty cells (0 for count/dc, nothing for the rest), `useother`/`usenull`
 * and series order follow `exec/spl/pipes/chart.ts`.
 */
import { compareSeriesNames, type Aggregation, type Scalar } from "@quarry/engine";
import { aggregationSql, flagged, type AggregationReader } from "./aggregate.ts";
import type { CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import type { DatasetInfo } from "./layout.ts";
import { literal } from "./sql.ts";

/** A grouping column: its SQL and whether it holds numbers. */
export interface GroupColumn {
  sql: string;
  numeric: boolean;
}

/** What to aggregate: events of `from` matching `where`, one row key per event (never NULL there). */
export interface SeriesSpec {
  from: string;
  where: string[];
  row: GroupColumn;
  by: GroupColumn | null;
  aggregations: Aggregation[];
  limit: number;
  useOther: boolean;
  useNull: boolean;
  info: DatasetInfo;
  ctx: CompileContext;
}

/** The aggregated cells, ready to be laid out in the caller's row order. */
export interface SeriesCells {
  /** The main GROUP BY that ran. */
  sql: string;
  /** The row keys (SQL values) that have events, including those whose events all lack BY when usenull=false. */
  rowKeys: unknown[];
  /** The wide table for `order` (one entry per output row: its SQL row key, or undefined for a row without events, and its displayed value). */
  layout(order: Array<{ key: unknown; value: Scalar }>, rowField: string): { fields: string[]; results: Array<Record<string, Scalar>> };
}

/** Numbers are named by their text form locally: only whole numbers below 1e15 are sure to map one to one. */
export function wholeNumberCheck(c: GroupColumn, name: string): string {
  return `max(${c.sql} != floor(${c.sql}) OR abs(${c.sql}) >= 1e15) AS ${name}`;
}

/** Runs the cell queries; null when the SQL cannot be sure to agree with the local pivot (the caller streams). */
export async function seriesCells(conn: Connection, req: RequestOptions, spec: SeriesSpec): Promise<SeriesCells | null> {
  const { by, aggregations: aggs } = spec;
  const selects: string[] = [];
  const readers: AggregationReader[] = [];
  for (let i = 0; i < aggs.length; i++) {
    const r = aggregationSql(aggs[i]!, i, spec.info, spec.ctx, selects);
    if (!r) return null;
    readers.push(r);
  }
  const keyChecks = [spec.row, ...(by ? [by] : [])].filter((c) => c.numeric).map((c, i) => wholeNumberCheck(c, `frack${i}`));
  const groupSql = (where: string[], keys: Array<[string, string]>, terms: string[]) =>
    `SELECT ${[...keys.map(([sql, as]) => `${sql} AS ${as}`), ...terms].join(", ")} FROM ${spec.from} WHERE ${where.join(" AND ")}` +
    (keys.length ? ` GROUP BY ${keys.map(([, as]) => as).join(", ")}` : "");
  const mainKeys: Array<[string, string]> = [[spec.row.sql, "r"], ...(by ? ([[by.sql, "k"]] as Array<[string, string]>) : [])];
  const sql = groupSql(spec.where, mainKeys, [...selects, ...keyChecks]);
  const rows = await conn.rows(sql, req);
  if (rows.some(flagged)) return null;

  // Cells by row key, then series name; the SQL value behind each series name.
  const cells = new Map<string, Map<string, Record<string, unknown>>>();
  const rowKeys = new Map<string, unknown>();
  const seriesValue = new Map<string, unknown>();
  for (const r of rows) {
    const rk = String(r.r);
    rowKeys.set(rk, r.r);
    let series = "";
    if (by) {
      if (r.k === null || r.k === undefined) {
        if (!spec.useNull) continue;
        series = "NULL";
      } else series = String(r.k);
      // A value spelt NULL or OTHER shares its column with the engine's own NULL / OTHER: leave that to the engine.
      if (r.k !== null && r.k !== undefined && (series === "NULL" || series === "OTHER")) return null;
      const seen = seriesValue.get(series);
      if (seen !== undefined && !Object.is(seen, r.k ?? null)) return null;
      seriesValue.set(series, r.k ?? null);
    }
    let m = cells.get(rk);
    if (!m) cells.set(rk, (m = new Map()));
    // Two SQL groups with one local name (0 and -0) would be one cell locally.
    if (m.has(series)) return null;
    m.set(series, r);
  }

  // `limit`: the series with the largest first aggregation over all their events; the rest is OTHER.
  let series = [...seriesValue.keys()];
  let other: string[] = [];
  const byWhere = by && !spec.useNull ? [...spec.where, `isNotNull(${by.sql})`] : spec.where;
  if (by && spec.limit > 0 && series.length > spec.limit) {
    const first: string[] = [];
    const read = aggregationSql(aggs[0]!, 0, spec.info, spec.ctx, first)!;
    const totals = await conn.rows(groupSql(byWhere, [[by.sql, "k"]], first), req);
    const score = new Map<string, number>();
    for (const t of totals) {
      const v = read(t);
      score.set(t.k === null || t.k === undefined ? "NULL" : String(t.k), typeof v === "number" ? v : 0);
    }
    const ranked = [...series].sort((a, b) => (score.get(b) ?? 0) - (score.get(a) ?? 0) || (a < b ? -1 : 1));
    const kept = new Set(ranked.slice(0, spec.limit));
    other = series.filter((s) => !kept.has(s));
    series = series.filter((s) => kept.has(s));
  }
  series.sort(compareSeriesNames);
  for (let i = 1; i < series.length; i++) if (compareSeriesNames(series[i - 1]!, series[i]!) === 0) return null;
  const includeOther = other.length > 0 && spec.useOther;

  // OTHER per row key: the aggregations over the events of the series left out.
  const otherCells = new Map<string, Record<string, unknown>>();
  if (by && includeOther) {
    const values = series.filter((s) => s !== "NULL").map((s) => seriesValue.get(s) as string | number);
    const notKept = values.length ? `${by.sql} NOT IN (${values.map((v) => literal(v)).join(", ")})` : "1";
    const inOther = other.includes("NULL") ? `(isNull(${by.sql}) OR ${notKept})` : `(isNotNull(${by.sql}) AND ${notKept})`;
    const rest = await conn.rows(groupSql([...byWhere, inOther], [[spec.row.sql, "r"]], selects), req);
    if (rest.some(flagged)) return null;
    for (const r of rest) otherCells.set(String(r.r), r);
  }

  return {
    sql,
    rowKeys: [...rowKeys.values()],
    layout(order, rowField) {
      const columns: Array<{ name: string; read: AggregationReader; agg: Aggregation; series: string }> = [];
      aggs.forEach((a, i) => {
        const names = by === null ? [""] : [...series, ...(includeOther ? ["OTHER"] : [])];
        for (const s of names) columns.push({ name: by === null ? a.as : aggs.length === 1 ? s : `${a.as}: ${s}`, read: readers[i]!, agg: a, series: s });
      });
      const results = order.map(({ key, value }) => {
        const row: Record<string, Scalar> = { [rowField]: value };
        const rk = key === undefined ? undefined : String(key);
        for (const c of columns) {
          const cell = rk === undefined ? undefined : by !== null && c.series === "OTHER" ? otherCells.get(rk) : cells.get(rk)?.get(c.series);
          const v = cell ? c.read(cell) : emptyCell(c.agg);
          if (v !== null) row[c.name] = v;
        }
        return row;
      });
      return { fields: [rowField, ...columns.map((c) => c.name)], results };
    },
  };
}

/** An empty cell as the engine shows it: count-like aggregations 0, the rest nothing. */
function emptyCell(a: Aggregation): Scalar {
  return a.fn === "count" || a.fn === "dc" ? 0 : null;
}
