/**
 * What the ClickHouse views share: the connection and dataset layout of one request, the scope
 * of a view in SQL (committed loads, time bounds, a host, a plan filter) and exact value tests.
 *
 * Tests that the engine makes in JavaScript (a host compared case-insensitively, a user's
 * `DOMAIN\user` key, a process basename) run in two steps, so they are decided by the engine's
 * own rules, not by a SQL look-alike: the distinct values of the columns involved come back
 * (narrowed in SQL only where the narrowing is sure to keep every match), the test runs on them
 * here, and the matching values go back into the query as an exact `IN` list.
 *
 * When a view cannot be counted exactly in SQL, `localView` fetches the events of its scope
 * (filter pushed down) and runs the engine's own view code on them, rebuilt into a dataset.
 */
import { ViewsService, VIEW_FIELDS, firstColumn, type Dataset, type Expr, type TimeBounds, type ViewRef } from "@quarry/engine";
import { Connection, type RequestOptions } from "./conn.ts";
import { compilePredicate } from "./compile.ts";
import { readInfo, tables, type DatasetInfo, type Target } from "./layout.ts";
import { rebuildDataset } from "./rebuild.ts";
import { selectSql } from "./remote.ts";
import { ident, literal } from "./sql.ts";
import { codedText, exactNumber, fieldAll, inSegments, ViewLayout, type SegmentColumns } from "./views-columns.ts";

/** Options of a view run on ClickHouse. */
export interface ViewRunOptions {
  signal?: AbortSignal;
  /** Query id of every statement the view runs (KILL QUERY stops the current one). */
  queryId?: string;
  /** Called with each statement and what it did: counted in SQL, or fetched events for the local view code. */
  onSql?: (sql: string, mode: "sql" | "events") => void;
}

/** One view request on the server: its connection, the dataset's layout, and request options. */
export interface ViewRun {
  conn: Connection;
  target: Target;
  info: DatasetInfo;
  layout: ViewLayout;
  req: RequestOptions;
  opts: ViewRunOptions;
  events: string;
}

/** A refusal of a request that has no meaning on ClickHouse (e.g. a worker result handle). */
export class ViewRequestError extends Error {
  override readonly name = "ViewRequestError";
}

/** Opens a view run (reads the dataset's metadata), runs `f`, closes the connection. */
export async function withViewRun<T>(target: Target, opts: ViewRunOptions, f: (run: ViewRun) => Promise<T>): Promise<T> {
  const conn = new Connection(target.url);
  try {
    const req: RequestOptions = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.queryId ? { queryId: opts.queryId } : {}) };
    const info = await readInfo(conn, target.dataset, { mustExist: true, ...(opts.signal ? { signal: opts.signal } : {}) });
    return await f({ conn, target, info, layout: new ViewLayout(info), req, opts, events: ident(tables(target.dataset).events) });
  } finally {
    await conn.close();
  }
}

/** Runs a SELECT of a view (reported through `onSql`). */
export async function viewRows<T = Record<string, unknown>>(run: ViewRun, sql: string): Promise<T[]> {
  run.opts.onSql?.(sql, "sql");
  return run.conn.rows<T>(sql, run.req);
}

/** The time bounds of a request, intersected with those of an `all` view; a result handle is refused. */
export function boundsOf(t: TimeBounds & { view?: ViewRef }): { earliest: number | null; latest: number | null } {
  let earliest = t.earliest ?? null;
  let latest = t.latest ?? null;
  if (t.view) {
    if (t.view.kind !== "all") throw new ViewRequestError("a query result of the tab has no meaning on ClickHouse: send the filter as `where` instead of `view`");
    if (t.view.earliest != null) earliest = earliest === null ? t.view.earliest : Math.max(earliest, t.view.earliest);
    if (t.view.latest != null) latest = latest === null ? t.view.latest : Math.min(latest, t.view.latest);
  }
  for (const v of [earliest, latest]) if (v !== null && !Number.isFinite(v)) throw new ViewRequestError("time bounds must be finite numbers (ms)");
  return { earliest, latest };
}

/** Committed loads and time bounds (earliest inclusive, latest exclusive; untimed events are out as soon as there is a bound). */
export function baseWhere(info: DatasetInfo, bounds: { earliest: number | null; latest: number | null }): string[] {
  const out = [`_load IN (${info.loads.map((l) => literal(l.load)).join(", ") || "''"})`];
  if (bounds.earliest !== null) out.push(`_ts >= ${exactNumber(bounds.earliest)}`);
  if (bounds.latest !== null) out.push(`_ts < ${exactNumber(bounds.latest)}`);
  return out;
}

/** Conjunction of WHERE parts. */
export function and(parts: readonly string[]): string {
  return parts.length === 0 ? "1" : parts.map((p) => `(${p})`).join(" AND ");
}

/**
 * The rows whose field (any value of any listed column) passes `test`, decided by `test` itself:
 * distinct values first (`narrow`, a SQL condition on the tagged value `x`, may drop values that
 * can never pass), then an exact `IN` list. Returns a predicate ("0" when nothing matches).
 */
export async function matchingRows(run: ViewRun, cols: SegmentColumns, test: (text: string) => boolean, where: readonly string[], narrow?: (x: string) => string): Promise<string> {
  if (cols.length === 0) return "0";
  const all = fieldAll(cols);
  const segs = cols.flatMap((g) => g.segments);
  const sql =
    `SELECT DISTINCT x FROM (SELECT arrayJoin(${all}) AS x FROM ${run.events} WHERE ${and([...where, inSegments([...new Set(segs)])])})` +
    (narrow ? ` WHERE ${narrow("x")}` : "");
  const rows = await viewRows<{ x: string }>(run, sql);
  const hits = rows.map((r) => r.x).filter((x) => {
    const text = codedText(x);
    return text !== null && test(text);
  });
  if (hits.length === 0) return "0";
  return `hasAny(${all}, [${hits.map((h) => literal(h)).join(", ")}])`;
}

/** The scope's host (compared case-insensitively with each segment's first host column, as `scopedRows`); null = every host. */
export async function hostPredicate(run: ViewRun, host: string | null | undefined, where: readonly string[]): Promise<string | null> {
  if (host === null || host === undefined || host === "") return null;
  const want = host.toLowerCase();
  // A number column never matches a host; text and multi-value columns do (any value).
  const cols = run.layout.columns((seg) => {
    const c = firstColumn(seg, VIEW_FIELDS.host);
    return c && c.kind !== "num" ? c : undefined;
  });
  return matchingRows(run, cols, (v) => v.toLowerCase() === want, where);
}

/** A plan filter in SQL when it compiles exactly; else null (the view then runs locally on fetched events). */
export function exactWhere(run: ViewRun, where: Expr | undefined): { sql: string | null; exact: boolean } {
  if (!where) return { sql: null, exact: true };
  const p = compilePredicate(where, { info: run.info });
  if (p && p.exact) return { sql: p.sql, exact: true };
  // Not exact: still a superset (or nothing) to narrow the fetch with.
  return { sql: p?.sql ?? null, exact: false };
}

/**
 * The engine's own view code on the events of a scope: the events matching `where` (a superset
 * of what the view reads) come back in ingest order, are rebuilt, and the engine's views service
 * answers the request on them exactly as it would on the whole dataset.
 */
export async function localView<T>(run: ViewRun, where: readonly string[], answer: (views: ViewsService, ds: Dataset) => T): Promise<T> {
  const sql = selectSql(run.info, run.target.dataset, { sql: and(where), exact: false });
  run.opts.onSql?.(sql, "events");
  const rows = await run.conn.rows(sql, run.req);
  const dataset = rebuildDataset(run.info, rows);
  const views = new ViewsService({ dataset, rowsOf: () => dataset.segments.map((segment) => ({ segment, rows: null })) });
  return answer(views, dataset);
}
