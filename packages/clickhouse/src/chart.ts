/**
 * SPL `search | chart AGG… over A [by B]` run inside ClickHouse: one GROUP BY over (A, B)
 * computes every cell — count, count(F), dc(F), sum/avg/min/max(F), several at once — and the
 * wide table is laid out as the engine's chart lays it out (`src/series.ts`): one row per A value
 * in Splunk order (also an A value whose events all lack B under usenull=false, with empty
 * cells), one column per B value (the `limit` largest by the first aggregation, the rest in
 * OTHER, events without B in NULL unless usenull=false). Used only where the grouping is exact:
 * the search compiles exactly, A and B are scalar text or whole-number columns (no booleans, no
 * multi-value fields), and no two values sort as equal in Splunk order.
 */
import { compareScalarsSpl, type QueryPlan, type Scalar } from "@quarry/engine";
import { isPushableAggregation, scalarField, type PushedTable } from "./aggregate.ts";
import { planPredicate, withLiveSegments, type CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import { tables, type DatasetInfo } from "./layout.ts";
import { seriesCells, type GroupColumn } from "./series.ts";
import { ident, literal } from "./sql.ts";

/** Runs `plan`'s search and first pipe in ClickHouse when it is `search | chart … over A [by B]` with an exact SQL form; else null. */
export async function pushChart(conn: Connection, dataset: string, info: DatasetInfo, plan: QueryPlan, outer: CompileContext, req: RequestOptions): Promise<PushedTable | null> {
  if (plan.source.kind !== "events" || plan.pipes.length === 0) return null;
  const p = plan.pipes[0]!;
  if (p.kind !== "chart" || p.aggregations.length === 0 || !p.aggregations.every(isPushableAggregation) || !Number.isInteger(p.limit)) return null;
  const pred = planPredicate(plan, outer);
  if (pred !== null ? !pred.exact : !(plan.source.where.kind === "literal" && plan.source.where.value === true)) return null;
  const ctx = withLiveSegments(plan, outer);
  const over = columnOf(p.over, info, ctx);
  const by = p.by === null ? null : columnOf(p.by, info, ctx);
  if (!over || (p.by !== null && !by)) return null;
  const t = tables(dataset);
  const where = [`_load IN (${info.loads.map((l) => literal(l.load)).join(", ") || "''"})`, ...(pred ? [`(${pred.sql})`] : [])];
  const cells = await seriesCells(conn, req, {
    from: ident(t.events),
    where: [...where, `isNotNull(${over.sql})`],
    row: over,
    by,
    aggregations: p.aggregations,
    limit: p.limit,
    useOther: p.useOther,
    useNull: p.useNull ?? true,
    info,
    ctx,
  });
  if (!cells) return null;
  const values = cells.rowKeys.map((k) => scalarOf(k)).sort(compareScalarsSpl);
  // Values Splunk orders as equal keep the engine's first-seen order, which SQL does not know.
  for (let i = 1; i < values.length; i++) if (compareScalarsSpl(values[i - 1]!, values[i]!) === 0) return null;
  const scanned = await conn.rows<{ n: string }>(`SELECT count() AS n FROM ${ident(t.events)} WHERE ${where.join(" AND ")}`, req);
  return { ...cells.layout(values.map((v) => ({ key: v, value: v })), p.over), scanned: Number(scanned[0]?.n ?? 0), sql: cells.sql };
}

function columnOf(name: string, info: DatasetInfo, ctx: CompileContext): GroupColumn | null {
  // `_time`, `_raw` and other underscore fields are made by the executor, not stored columns.
  if (name.startsWith("_") || name.includes("*")) return null;
  const f = scalarField(name, info, ctx);
  return f ? { sql: f.sql, numeric: f.type === "Nullable(Float64)" } : null;
}

function scalarOf(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}
