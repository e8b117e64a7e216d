/**
 * Running SPL against a ClickHouse dataset, and the event fetches both languages share. The query
 * is parsed and lowered once by the engine's own front ends; the plan's event selection (source
 * filter, sequence/sample stage filters, time range) is compiled to SQL and runs in ClickHouse;
 * the selected events stream back in ingest order and are rebuilt into a local dataset, on which
 * the engine's executors (stats, timechart…) produce exactly the response a local run produces.
 * EQL runs from `eql-remote.ts`.
 */
import {
  Dataset,
  applyMapping,
  parseSpl,
  runSpl,
  runSplPipes,
  type FieldType,
  type MappingSummary,
  type QueryPlan,
  type SplOptions,
  type SplResult,
} from "@quarry/engine";
import { Connection } from "./conn.ts";
import { readInfo, tables, type DatasetInfo, type Target } from "./layout.ts";
import { planPredicate, withLiveSegments, type Pred } from "./compile.ts";
import { eventColumns, rebuildDataset } from "./rebuild.ts";
import { pushStats, type PushedTable } from "./aggregate.ts";
import { pushTop } from "./top.ts";
import { pushTimechart } from "./timechart.ts";
import { pushChart } from "./chart.ts";
import { ident, literal } from "./sql.ts";
import { eventReduction, type Reduction } from "./reduce.ts";
import type { CompileContext } from "./compile.ts";

/** Where a remote run did its work (see `RemoteOptions.onSql`). */
export type RemoteMode = "events" | "stats" | "top" | "timechart" | "chart" | Reduction["mode"] | "match" | "hits";

/** Options shared by remote runs. */
export interface RemoteOptions {
  signal?: AbortSignal;
  /** Query id for the server (cancel with KILL QUERY); default a fresh UUID. */
  queryId?: string;
  /** Elasticsearch mappings applied to the rebuilt dataset, as `quarry eql --mapping` does locally. */
  mappings?: Array<{ text: string; index?: string }>;
  /**
   * Called with the SQL that ran: `events` selected events for the local executors, `stats`,
   * `top`, `timechart`, `chart` aggregated in ClickHouse, `head`/`tail`/`dedup` events cut by ORDER BY … LIMIT [BY] in ClickHouse;
   * an EQL run in two phases reports `match` (the selected events with only the columns the
   * matcher reads) then `hits` (the complete events of the returned hits, by `_seq`; `pred` null).
   */
  onSql?: (sql: string, pred: Pred | null, mode: RemoteMode) => void;
}

/** The SELECT that fetches a plan's events (only the columns of the segments it can match). */
export function selectSql(info: DatasetInfo, dataset: string, pred: Pred | null, live?: ReadonlySet<number>, cut?: Reduction): string {
  const t = tables(dataset);
  const cols = eventColumns(info, live).map(ident).join(", ");
  const where = [whereLoaded(info), ...(pred ? [`(${pred.sql})`] : []), ...(cut?.where ?? [])].join(" AND ");
  if (!cut) return `SELECT ${cols} FROM ${ident(t.events)} WHERE ${where} ORDER BY _seq`;
  // The cut sorts its own way; the rebuild wants ingest order (dictionary ids as at ingest).
  return `SELECT * FROM (SELECT ${cols} FROM ${ident(t.events)} WHERE ${where} ${cut.tail}) ORDER BY _seq`;
}

/** Rows of committed loads only. */
export function whereLoaded(info: DatasetInfo): string {
  return `_load IN (${info.loads.map((l) => literal(l.load)).join(", ") || "''"})`;
}

/**
 * The segments (of `live`, default all) that hold an event the predicate selects. Only their
 * columns are fetched: a dataset of many sourcetypes has hundreds of columns, and every other
 * one would come back as NULL in every row (100k generated events: the bench's 3-stage sequence
 * fetched 339 columns, 76 MB of JSON, now 65 columns, 35 MB). Segments without a selected event
 * are still rebuilt, empty, from their metadata.
 */
async function segmentsHolding(conn: Connection, dataset: string, info: DatasetInfo, pred: Pred, live: ReadonlySet<number> | undefined, req: { signal?: AbortSignal; queryId?: string }): Promise<Set<number>> {
  // The same query id as the fetch that follows (one at a time), so a cancel by id stops either.
  const rows = await conn.rows<{ s: string | number }>(`SELECT DISTINCT _segment AS s FROM ${ident(tables(dataset).events)} WHERE ${whereLoaded(info)} AND (${pred.sql})`, req);
  const holding = new Set<number>();
  for (const r of rows) {
    const id = Number(r.s);
    if (!live || live.has(id)) holding.add(id);
  }
  return holding;
}

/** What a fetch for a plan works from: the dataset's metadata, the compile context and the plan's compiled selection. */
export interface PlanScope {
  conn: Connection;
  info: DatasetInfo;
  ctx: CompileContext;
  pred: Pred | null;
  /** Signal and query id of the run, for every request it makes. */
  req: { signal?: AbortSignal; queryId?: string };
  /** The request's mappings with what each declares. */
  mappings: DeclaredMapping[];
}

/** A mapping with what it declares, read once by applying it to an empty dataset (null: it does not parse). */
export interface DeclaredMapping {
  text: string;
  index?: string;
  summary: MappingSummary | null;
}

function declareMappings(mappings: RemoteOptions["mappings"]): DeclaredMapping[] {
  return (mappings ?? []).map((m) => {
    try {
      return { ...m, summary: applyMapping(new Dataset(), m.text, m.index === undefined ? {} : { index: m.index }) };
    } catch {
      // A bad mapping is reported by the local apply after the fetch.
      return { ...m, summary: null };
    }
  });
}

/** Reads the dataset's metadata and compiles the plan's event selection. */
export async function planScope(conn: Connection, target: Target, plan: QueryPlan, opts: RemoteOptions): Promise<PlanScope> {
  const req = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.queryId ? { queryId: opts.queryId } : {}) };
  const info = await readInfo(conn, target.dataset, { mustExist: true, ...(opts.signal ? { signal: opts.signal } : {}) });
  const mappings = declareMappings(opts.mappings);
  const ctx = { info, ...mappingFacts(mappings), mappedAliases: mappings.length > 0 };
  return { conn, info, ctx, pred: planPredicate(plan, ctx), req, mappings };
}

/** Fetches the events a plan needs and rebuilds them into a local dataset. */
export async function fetchForPlan(
  target: Target,
  plan: QueryPlan,
  opts: RemoteOptions = {},
  cutFor?: (pred: Pred | null, ctx: CompileContext) => Reduction | null,
): Promise<{ dataset: Dataset; info: DatasetInfo; sql: string; scanned?: number }> {
  const conn = new Connection(target.url);
  try {
    const scope = await planScope(conn, target, plan, opts);
    return await fetchScoped(scope, target, plan, opts, cutFor?.(scope.pred, scope.ctx) ?? undefined);
  } finally {
    await conn.close();
  }
}

/** Fetches the selected events whole (optionally cut in SQL) and rebuilds them, mappings applied. */
export async function fetchScoped(scope: PlanScope, target: Target, plan: QueryPlan, opts: RemoteOptions, cut: Reduction | undefined): Promise<{ dataset: Dataset; info: DatasetInfo; sql: string; scanned?: number }> {
  const { conn, info, ctx, pred, req } = scope;
  const live = pred === null ? undefined : await segmentsHolding(conn, target.dataset, info, pred, withLiveSegments(plan, ctx).live, req);
  const sql = selectSql(info, target.dataset, pred, live, cut);
  opts.onSql?.(sql, pred, cut?.mode ?? "events");
  const rows = await conn.rows(sql, req);
  const dataset = rebuildDataset(info, rows);
  for (const m of opts.mappings ?? []) applyMapping(dataset, m.text, m.index === undefined ? {} : { index: m.index });
  if (!cut?.count) return { dataset, info, sql };
  // The run sees only the kept events; how many the search selected is counted in ClickHouse.
  const where = [whereLoaded(info), ...(pred ? [`(${pred.sql})`] : [])].join(" AND ");
  const n = await conn.rows<{ n: string }>(`SELECT count() AS n FROM ${ident(tables(target.dataset).events)} WHERE ${where}`, req);
  return { dataset, info, sql, scanned: Number(n[0]?.n ?? 0) };
}

/** What the mappings declare (types, aliases, null values), read by applying them to an empty dataset. */
function mappingFacts(mappings: DeclaredMapping[]): { fieldTypes: Map<string, FieldType>; mappedNames: Set<string> } {
  const fieldTypes = new Map<string, FieldType>();
  const mappedNames = new Set<string>();
  for (const { summary } of mappings) {
    if (!summary) continue;
    for (const [name, t] of Object.entries(summary.types)) {
      // The same name typed differently by two indices: compare by neither.
      const seen = fieldTypes.get(name);
      fieldTypes.set(name, seen === undefined || seen === t ? t : "mixed");
    }
    for (const [alias, target] of Object.entries(summary.aliases)) mappedNames.add(alias).add(target);
    for (const name of Object.keys(summary.nullValues)) mappedNames.add(name);
  }
  return { fieldTypes, mappedNames };
}

/** Runs SPL on a ClickHouse dataset; the result equals `runSpl` on the same files loaded locally. */
export async function runSplRemote(target: Target, query: string, opts: SplOptions = {}, remote: RemoteOptions = {}): Promise<SplResult> {
  const started = performance.now();
  const nowMs = opts.nowMs ?? Date.now();
  const tz = opts.tz ?? "UTC";
  const { plan } = parseSpl(query, { nowMs, tz });
  // Time pickers and a bad timezone take the general path, where the engine applies or reports them.
  if (opts.earliest === undefined && opts.latest === undefined && validTimeZone(tz)) {
    const pushed = await tryPushAggregate(target, plan, tz, remote);
    if (pushed) {
      // Only the groups came back: the pipes after the pushed one run here, with the engine's executors.
      const out = plan.pipes.length > 1 ? runSplPipes({ fields: pushed.fields, rows: pushed.results }, plan, 1, { tz, nowMs, ...(opts.cancel ? { cancel: opts.cancel } : {}) }) : pushed;
      return { fields: out.fields, results: out.results, plan, scanned: pushed.scanned, fastPath: false, elapsedMs: performance.now() - started, tz };
    }
  }
  // A cut is only exact when the SQL filter is the whole selection (no time pickers to apply later).
  const cutOk = opts.earliest === undefined && opts.latest === undefined;
  const { dataset, scanned } = await fetchForPlan(target, plan, remote, cutOk ? (pred, ctx) => eventReduction(plan, pred, ctx) : undefined);
  const res = runSpl(dataset, query, { ...opts, nowMs });
  return { ...res, ...(scanned !== undefined ? { scanned } : {}), elapsedMs: performance.now() - started };
}

/** Runs the plan's first aggregation in ClickHouse when one of the exact SQL forms applies (stats, top/rare, timechart, chart). */
async function tryPushAggregate(target: Target, plan: QueryPlan, tz: string, opts: RemoteOptions): Promise<PushedTable | null> {
  const conn = new Connection(target.url);
  try {
    const req = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.queryId ? { queryId: opts.queryId } : {}) };
    const info = await readInfo(conn, target.dataset, { mustExist: true, ...(opts.signal ? { signal: opts.signal } : {}) });
    const stats = await pushStats(conn, target.dataset, info, plan, { info }, req);
    if (stats) {
      opts.onSql?.(stats.sql, null, "stats");
      return stats;
    }
    const top = await pushTop(conn, target.dataset, info, plan, { info }, req);
    if (top) {
      opts.onSql?.(top.sql, null, "top");
      return top;
    }
    const timechart = await pushTimechart(conn, target.dataset, info, plan, { info }, tz, req);
    if (timechart) {
      opts.onSql?.(timechart.sql, null, "timechart");
      return timechart;
    }
    const chart = await pushChart(conn, target.dataset, info, plan, { info }, req);
    if (chart) opts.onSql?.(chart.sql, null, "chart");
    return chart;
  } finally {
    await conn.close();
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
