/**
 * The SPL entry point: `runSpl(dataset, query, options)` parses the query, lowers it to the shared
 * plan and runs it with Splunk's semantics, returning Splunk's export shape `{fields, results}`.
 *
 * Index names: files dropped into Quarry carry no `index` field, so `index=botsv2` (any name) and
 * `index=*` also match events without one; events that do carry an index are matched by it.
 */
import type { QueryPlan, TimeRange } from "../lang/plan.ts";
import { parseSpl } from "../lang/spl/parse.ts";
import { isValidTimeZone, resolveTimeModifier } from "../lang/spl/time.ts";
import { QueryError } from "../lang/errors.ts";
import type { Dataset } from "../store/dataset.ts";
import type { CancelToken } from "../exec/cancel.ts";
import type { Value } from "../exec/functions/registry.ts";
import { toAlignedTable, toCsv, toExportRows, type ExportRow } from "../exec/spl/format.ts";
import { runSplPlan } from "../exec/spl/run.ts";
import "../exec/spl/register.ts";
import { fieldsOf } from "../exec/spl/table.ts";
import type { TableColumns } from "../exec/spl/columns.ts";

export { registerLookup, removeLookup, lookupNames } from "../exec/spl/lookups.ts";
export { parseSpl } from "../lang/spl/parse.ts";
export type { ParsedSpl, SplParseOptions, SplStage } from "../lang/spl/parse.ts";
export { SPL_COMMANDS, splCommand } from "../lang/spl/registry.ts";
export type { SplCommand } from "../lang/spl/command.ts";
export { SPL_FUNCTIONS } from "../lang/spl/functions.ts";
export { SplExecError } from "../exec/spl/errors.ts";
export { toAlignedTable, toCsv, toExportRows, exportTime } from "../exec/spl/format.ts";
export type { ExportRow } from "../exec/spl/format.ts";

/** Options of an SPL run. */
export interface SplOptions {
  /** Time picker bounds: Splunk time modifiers (`-24h@h`, `08/23/2017:00:00:00`, epoch seconds). */
  earliest?: string;
  latest?: string;
  /** IANA timezone for time parsing and display (default UTC); BOTSv2 uses America/Los_Angeles. */
  tz?: string;
  /** "Now" for relative times, ms since the epoch (default the current time). */
  nowMs?: number;
  /** Disable the typed-array fast paths (for testing them against the general executors). */
  noFastPath?: boolean;
  /** Cooperative cancellation: set `cancelled` to stop the run with a CancelledError. */
  cancel?: CancelToken;
}

/** The answer of an SPL query. */
export interface SplResult {
  /** Field names in Splunk's order. */
  fields: string[];
  /** Result rows with typed values (`_time` in epoch seconds, multivalues as arrays). */
  results: Array<Record<string, Value>>;
  /**
   * The same result as columns, parallel to `fields`, when the executor produced columns (the
   * timechart fast path): then `results` is built from them on first read.
   */
  columns?: TableColumns;
  /** The plan the query compiled to. */
  plan: QueryPlan;
  /** Events the search selected (null when the query starts with a generating command). */
  scanned: number | null;
  /** Whether the aggregation ran over the selection without building rows. */
  fastPath: boolean;
  elapsedMs: number;
  tz: string;
}

/** Parses and runs an SPL query over a dataset. Throws QueryError (positioned) or SplExecError. */
export function runSpl(ds: Dataset, query: string, opts: SplOptions = {}): SplResult {
  const started = performance.now();
  const tz = opts.tz ?? "UTC";
  if (!isValidTimeZone(tz)) throw new QueryError(`unknown timezone "${tz}"`, { start: 0, end: 0 });
  const nowMs = opts.nowMs ?? Date.now();
  const { plan } = parseSpl(query, { nowMs, tz });
  const picker = pickerRange(opts, nowMs, tz);
  if (picker) plan.timeRange = intersect(plan.timeRange, picker);
  const run = runSplPlan(ds, plan, { tz, nowMs, ...(opts.noFastPath ? { noFastPath: true } : {}), ...(opts.cancel ? { cancel: opts.cancel } : {}) });
  const table = run.table;
  const out = {
    fields: fieldsOf(table),
    plan,
    scanned: run.scanned,
    fastPath: run.fastPath,
    elapsedMs: performance.now() - started,
    tz,
  } as SplResult;
  if (!table.columns) out.results = table.rows;
  else {
    out.columns = table.columns;
    // Rows only when read (an own, enumerable property, so spreads and JSON still carry them).
    Object.defineProperty(out, "results", { enumerable: true, configurable: true, get: () => table.rows, set: (v: SplResult["results"]) => Object.defineProperty(out, "results", { value: v, enumerable: true, writable: true, configurable: true }) });
  }
  return out;
}

function pickerRange(opts: SplOptions, nowMs: number, tz: string): TimeRange | null {
  if (opts.earliest === undefined && opts.latest === undefined) return null;
  const resolve = (s: string | undefined, which: string) => {
    if (s === undefined) return null;
    const t = resolveTimeModifier(s, nowMs, tz);
    if (t === null) throw new QueryError(`cannot read ${which} time "${s}"`, { start: 0, end: 0 });
    return t;
  };
  return { earliest: resolve(opts.earliest, "earliest"), latest: resolve(opts.latest, "latest") };
}

function intersect(a: TimeRange | undefined, b: TimeRange): TimeRange {
  if (!a) return b;
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  return { earliest: max(a.earliest, b.earliest), latest: min(a.latest, b.latest) };
}

/** Splunk's export JSON: `{"fields": [...], "results": [{field: text}]}`. */
export function splExportJson(res: SplResult): { fields: string[]; results: ExportRow[] } {
  return { fields: res.fields, results: toExportRows(res.results, res.fields, res.tz) };
}

/** Splunk's CSV output of a result. */
export function splExportCsv(res: SplResult): string {
  return toCsv(res.fields, toExportRows(res.results, res.fields, res.tz));
}

/** An aligned text table of a result (for terminals). */
export function splExportTable(res: SplResult): string {
  return toAlignedTable(res.fields, toExportRows(res.results, res.fields, res.tz));
}
export { parseSplPipeline, appendSplFilter, printSplPipeline, printFilter, splWithFilter } from "../lang/spl/edit.ts";
export type { SplPipelineNode, SplStageNode, SplFilterNode } from "../lang/spl/edit.ts";
