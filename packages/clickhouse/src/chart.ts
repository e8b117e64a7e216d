/**
 * SPL `search | chart count over A [by B]` run inside ClickHouse: one GROUP BY counts the events
 * of each (A, B) pair, and the wide table is built as the engine's chart builds it — one row per
 * A value in Splunk order, one column per B value (the `limit` largest by count, the rest in
 * OTHER, events without B in NULL unless usenull=false), 0 for an empty cell. Used only where the
 * grouping is exact: the search compiles exactly, A and B are scalar text or whole-number
 * columns (no booleans, no multi-value fields), and no two values sort as equal in Splunk order.
 */
import { compareScalarsSpl, type Pipe, type QueryPlan, type Scalar } from "@quarry/engine";
import { scalarField, type PushedTable } from "./aggregate.ts";
import { planPredicate, withLiveSegments, type CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import { tables, type DatasetInfo } from "./layout.ts";
import { ident, literal } from "./sql.ts";

type Chart = Extract<Pipe, { kind: "chart" }>;

/** Runs `plan` in ClickHouse when it is `search | chart count over A [by B]` with an exact SQL form; else null. */
export async function pushChart(conn: Connection, dataset: string, info: DatasetInfo, plan: QueryPlan, outer: CompileContext, req: RequestOptions): Promise<PushedTable | null> {
  if (plan.source.kind !== "events" || plan.pipes.length !== 1) return null;
  const p = plan.pipes[0]!;
  if (p.kind !== "chart" || p.aggregations.length !== 1) return null;
  const agg = p.aggregations[0]!;
  if (agg.fn !== "count" || agg.arg || !Number.isInteger(p.limit)) return null;
  const pred = planPredicate(plan, outer);
  if (pred !== null ? !pred.exact : !(plan.source.where.kind === "literal" && plan.source.where.value === true)) return null;
  const ctx = withLiveSegments(plan, outer);
  const over = columnOf(p.over, info, ctx);
  const by = p.by === null ? null : columnOf(p.by, info, ctx);
  if (!over || (p.by !== null && !by)) return null;
  const useNull = p.useNull ?? true;
  const t = tables(dataset);
  const loaded = `_load IN (${info.loads.map((l) => literal(l.load)).join(", ") || "''"})`;
  const where = [loaded, ...(pred ? [`(${pred.sql})`] : [])];
  const keyed = [...where, `isNotNull(${over.sql})`, ...(by && !useNull ? [`isNotNull(${by.sql})`] : [])];
  // Numbers are named by their text form locally: only whole numbers below 1e15 are sure to map one to one.
  const checks = [over, ...(by ? [by] : [])].filter((c) => c.numeric).map((c, i) => `max(${c.sql} != floor(${c.sql}) OR abs(${c.sql}) >= 1e15) AS frac${i}`);
  const sql =
    `SELECT ${[`${over.sql} AS o`, ...(by ? [`${by.sql} AS b`] : []), "count() AS c", ...checks].join(", ")} FROM ${ident(t.events)}` +
    ` WHERE ${keyed.join(" AND ")} GROUP BY o${by ? ", b" : ""}`;
  const rows = await conn.rows(sql, req);
  if (rows.some((r) => Object.keys(r).some((k) => k.startsWith("frac") && Number(r[k]) > 0))) return null;
  const shaped = shape(p, rows.map((r) => ({ over: scalarOf(r.o)!, series: by ? (r.b === null || r.b === undefined ? "NULL" : String(r.b)) : "", count: Number(r.c) })));
  if (!shaped) return null;
  const scanned = await conn.rows<{ n: string }>(`SELECT count() AS n FROM ${ident(t.events)} WHERE ${where.join(" AND ")}`, req);
  return { ...shaped, scanned: Number(scanned[0]?.n ?? 0), sql };
}

interface Column {
  sql: string;
  numeric: boolean;
}

function columnOf(name: string, info: DatasetInfo, ctx: CompileContext): Column | null {
  // `_time`, `_raw` and other underscore fields are made by the executor, not stored columns.
  if (name.startsWith("_") || name.includes("*")) return null;
  const f = scalarField(name, info, ctx);
  return f ? { sql: f.sql, numeric: f.type === "Nullable(Float64)" } : null;
}

/** The wide table from (over value, series name, count) cells, as the engine's chart pivot builds it. */
function shape(p: Chart, cells: Array<{ over: Scalar; series: string; count: number }>): Omit<PushedTable, "scanned" | "sql"> | null {
  const overs = new Map<string, Scalar>();
  const grid = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  for (const c of cells) {
    const ok = String(c.over);
    overs.set(ok, c.over);
    let m = grid.get(ok);
    if (!m) grid.set(ok, (m = new Map()));
    m.set(c.series, (m.get(c.series) ?? 0) + c.count);
    totals.set(c.series, (totals.get(c.series) ?? 0) + c.count);
  }
  const rowKeys = [...overs.keys()].sort((a, b) => compareScalarsSpl(overs.get(a)!, overs.get(b)!));
  // Values Splunk orders as equal keep the engine's first-seen order, which SQL does not know.
  for (let i = 1; i < rowKeys.length; i++) if (compareScalarsSpl(overs.get(rowKeys[i - 1]!)!, overs.get(rowKeys[i]!)!) === 0) return null;
  let series = [...totals.keys()];
  let other = new Set<string>();
  if (p.by !== null && p.limit > 0 && series.length > p.limit) {
    const ranked = [...series].sort((a, b) => totals.get(b)! - totals.get(a)! || (a < b ? -1 : 1));
    const kept = new Set(ranked.slice(0, p.limit));
    other = new Set(series.filter((s) => !kept.has(s)));
    series = series.filter((s) => kept.has(s));
  }
  const cmp = (a: string, b: string) => (a === "NULL" ? 1 : b === "NULL" ? -1 : compareScalarsSpl(a, b));
  series.sort(cmp);
  if (p.by !== null) for (let i = 1; i < series.length; i++) if (cmp(series[i - 1]!, series[i]!) === 0) return null;
  const includeOther = other.size > 0 && p.useOther;
  const agg = p.aggregations[0]!;
  const columns = p.by === null ? [{ name: agg.as, series: [""] }] : [...series.map((s) => ({ name: s, series: [s] })), ...(includeOther ? [{ name: "OTHER", series: [...other] }] : [])];
  const results = rowKeys.map((k) => {
    const row: Record<string, Scalar> = { [p.over]: overs.get(k)! };
    const m = grid.get(k);
    for (const c of columns) row[c.name] = c.series.reduce((n, s) => n + (m?.get(s) ?? 0), 0);
    return row;
  });
  return { fields: [p.over, ...columns.map((c) => c.name)], results };
}

function scalarOf(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}
