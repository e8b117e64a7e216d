/**
 * SPL `search | top|rare F… [by B…]` run inside ClickHouse: one GROUP BY counts each value
 * combination and finds its newest event, a second counts the events of each BY group; the rows
 * are then ordered and cut exactly as the local `top` does (BY groups in the order their newest
 * event comes, newest first; combinations by count, ties by their newest event; `limit` per
 * group; percent of the group's events). Used only where the grouping is exact: the search
 * compiles exactly, every field is one scalar text or whole-number column (numbers group by
 * their text form locally, so fractions stay local), no booleans, no multi-value fields.
 */
import type { Pipe, QueryPlan, Scalar } from "@quarry/engine";
import { flagged, scalarField, type PushedTable } from "./aggregate.ts";
import { planPredicate, withLiveSegments, type CompileContext } from "./compile.ts";
import type { Connection, RequestOptions } from "./conn.ts";
import { tables, type DatasetInfo } from "./layout.ts";
import { ident, literal } from "./sql.ts";

/** The position of an event in the newest-first order as a comparable tuple (larger = earlier). */
const NEWEST = "max((isNotNull(_ts), ifNull(_ts, 0), _seq))";

type TopPipe = Extract<Pipe, { kind: "top" | "rare" }>;

/** Runs `plan`'s search and first pipe in ClickHouse when it is `search | top|rare …` with an exact SQL form; else null. */
export async function pushTop(conn: Connection, dataset: string, info: DatasetInfo, plan: QueryPlan, outer: CompileContext, req: RequestOptions): Promise<PushedTable | null> {
  if (plan.source.kind !== "events" || plan.pipes.length === 0) return null;
  const p = plan.pipes[0]!;
  if (p.kind !== "top" && p.kind !== "rare") return null;
  if (!Number.isInteger(p.limit) || p.fields.length === 0) return null;
  const pred = planPredicate(plan, outer);
  if (pred !== null ? !pred.exact : !(plan.source.where.kind === "literal" && plan.source.where.value === true)) return null;
  const ctx = withLiveSegments(plan, outer);
  const by = columnsOf(p.by, info, ctx);
  const fields = columnsOf(p.fields, info, ctx);
  if (!by || !fields) return null;
  const t = tables(dataset);
  const where = [`_load IN (${info.loads.map((l) => literal(l.load)).join(", ") || "''"})`, ...(pred ? [`(${pred.sql})`] : [])];
  const byWhere = [...where, ...by.map((c) => `isNotNull(${c.sql})`)];
  const keyList = (cols: Column[], prefix: string) => cols.map((c, i) => `${c.sql} AS ${prefix}${i}`);
  // Numbers group by their text form locally: only whole numbers are sure to group one to one.
  const fracs = [...by, ...fields].filter((c) => c.numeric).map((c, i) => `max(${c.sql} != floor(${c.sql})) AS frac${i}`);
  const groupBy = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const comboSql =
    `SELECT ${[...keyList(by, "b"), ...keyList(fields, "f"), "count() AS c", `${NEWEST} AS first`, ...fracs].join(", ")} FROM ${ident(t.events)}` +
    ` WHERE ${[...byWhere, ...fields.map((c) => `isNotNull(${c.sql})`)].join(" AND ")} GROUP BY ${[...groupBy(by.length, "b"), ...groupBy(fields.length, "f")].join(", ")}`;
  const groupSql =
    `SELECT ${[...keyList(by, "b"), "count() AS n", `${NEWEST} AS first`].join(", ")} FROM ${ident(t.events)} WHERE ${byWhere.join(" AND ")}` +
    (by.length ? ` GROUP BY ${groupBy(by.length, "b").join(", ")}` : "");
  const combos = await conn.rows(comboSql, req);
  if (combos.some(flagged)) return null;
  const groupRows = await conn.rows(groupSql, req);
  const scanned = await conn.rows<{ n: string }>(`SELECT count() AS n FROM ${ident(t.events)} WHERE ${where.join(" AND ")}`, req);
  return { ...shape(p, combos, groupRows), scanned: Number(scanned[0]?.n ?? 0), sql: comboSql };
}

interface Column {
  sql: string;
  numeric: boolean;
}

/** The SQL of each field when all are scalar, unboolean, stored columns; else null. */
function columnsOf(names: string[], info: DatasetInfo, ctx: CompileContext): Column[] | null {
  const out: Column[] = [];
  for (const name of names) {
    // `_time`, `_raw` and other underscore fields are made by the executor, not stored columns.
    if (name.startsWith("_") || name.includes("*")) return null;
    const f = scalarField(name, info, ctx);
    if (!f) return null;
    out.push({ sql: f.sql, numeric: f.type === "Nullable(Float64)" });
  }
  return out;
}

/** Orders, cuts and shapes the counted rows as the local `top`/`rare` does. */
function shape(p: TopPipe, combos: Array<Record<string, unknown>>, groupRows: Array<Record<string, unknown>>): Omit<PushedTable, "scanned" | "sql"> {
  const keyOf = (row: Record<string, unknown>, prefix: string, n: number): Scalar[] => Array.from({ length: n }, (_, i) => scalarOf(row[`${prefix}${i}`]));
  const groups = new Map<string, { by: Scalar[]; total: number; first: number[]; combos: Array<{ key: Scalar[]; count: number; first: number[] }> }>();
  for (const row of groupRows) {
    if (Number(row.n) === 0) continue;
    const by = keyOf(row, "b", p.by.length);
    groups.set(JSON.stringify(by), { by, total: Number(row.n), first: position(row.first), combos: [] });
  }
  for (const row of combos) {
    const g = groups.get(JSON.stringify(keyOf(row, "b", p.by.length)));
    if (g) g.combos.push({ key: keyOf(row, "f", p.fields.length), count: Number(row.c), first: position(row.first) });
  }
  const countName = p.countField ?? "count";
  const percentName = p.percentField ?? "percent";
  const results: Array<Record<string, Scalar>> = [];
  for (const g of [...groups.values()].sort((a, b) => earlier(a.first, b.first))) {
    const list = g.combos.sort((a, b) => (p.kind === "top" ? b.count - a.count : a.count - b.count) || earlier(a.first, b.first));
    for (const c of p.limit > 0 ? list.slice(0, p.limit) : list) {
      const row: Record<string, Scalar> = {};
      p.by.forEach((f, i) => (row[f] = g.by[i]!));
      p.fields.forEach((f, i) => (row[f] = c.key[i]!));
      if (p.showCount) row[countName] = c.count;
      if (p.showPercent) row[percentName] = Math.round((c.count / g.total) * 100 * 1e6) / 1e6;
      results.push(row);
    }
  }
  return { fields: [...p.by, ...p.fields, ...(p.showCount ? [countName] : []), ...(p.showPercent ? [percentName] : [])], results };
}

/** The (has time, time, seq) tuple of a newest event, as numbers. */
function position(v: unknown): number[] {
  return Array.isArray(v) ? v.map(Number) : [];
}

/** Negative when position `a` comes before `b` in the newest-first order. */
function earlier(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function scalarOf(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}
