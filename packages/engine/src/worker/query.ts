import type { Dataset } from "../store/dataset.ts";
import type { CancelToken } from "../exec/cancel.ts";
import { eqlExecContext } from "../api/eql.ts";
import { executePlan, type ExecContext } from "../exec/run.ts";
import type { Stream } from "../exec/stream.ts";
import { compileEql } from "../lang/eql/compile.ts";
import type { QueryPlan } from "../lang/plan.ts";
import { parseSpl } from "../lang/spl/parse.ts";
import { runSplPlan } from "../exec/spl/run.ts";
import { selectSplEvents } from "../exec/spl/sources.ts";
import { fieldsOf } from "../exec/spl/table.ts";
import type { QueryRequest } from "./protocol.ts";

/** Sequences (or table rows) a UI run keeps at most; events are never capped. */
export const UI_SIZE = 10_000;

/** A plan run in the worker: the stream stays here, pages travel. */
export interface QueryRun {
  plan: QueryPlan;
  stream: Stream;
  tookMs: number;
}

/**
 * Compiles and runs a query for the app. EQL runs under the same `_eql/search` settings as
 * `runEql` (order by `@timestamp`, FILETIME detection, integer division) but keeps the whole
 * stream, so the events table can page through every hit instead of the first `size`.
 * The UI time range narrows the plan's source events.
 */
export function runQuery(ds: Dataset, req: QueryRequest, cancel: CancelToken): QueryRun {
  const started = performance.now();
  const { plan, ctx } = req.lang === "eql" ? eqlPlan(ds, req.text) : splPlan(req.text, req.timeZone);
  narrow(plan, req);
  if (req.lang === "spl") return { plan, stream: runSpl(ds, plan, req.timeZone ?? "UTC"), tookMs: performance.now() - started };
  const stream = executePlan(ds, plan, { ...ctx, cancel, size: Math.max(1, Math.min(req.size ?? UI_SIZE, UI_SIZE)) });
  return { plan, stream, tookMs: performance.now() - started };
}

/**
 * SPL as `runSpl` runs it. A plain search (no pipes) stays an event list, newest first as Splunk
 * lists events, so the events table pages through it; anything with pipes is a table.
 */
function runSpl(ds: Dataset, plan: QueryPlan, tz: string): Stream {
  if (plan.source.kind === "events" && plan.pipes.length === 0) return { kind: "events", events: selectSplEvents(ds, plan.source.where, plan.timeRange) };
  const run = runSplPlan(ds, plan, { tz, nowMs: Date.now() });
  const table = run.table;
  if (!table.columns) return { kind: "table", fields: fieldsOf(table), rows: table.rows };
  // A columnar result (timechart) stays columns here: pages are built from them (core.table),
  // the whole row list only if something reads `rows` (an export).
  const stream = { kind: "table", fields: fieldsOf(table), columns: table.columns } as Extract<Stream, { kind: "table" }>;
  Object.defineProperty(stream, "rows", { enumerable: true, get: () => table.rows });
  return stream;
}

/** Intersects the plan's own time range with the UI's. */
function narrow(plan: QueryPlan, req: QueryRequest): void {
  if (req.earliest != null || req.latest != null) {
    const own = plan.timeRange;
    plan.timeRange = {
      earliest: maxOf(own?.earliest ?? null, req.earliest ?? null),
      latest: minOf(own?.latest ?? null, req.latest ?? null),
    };
  }
}

function eqlPlan(ds: Dataset, text: string): { plan: QueryPlan; ctx: ExecContext } {
  // The same execution settings as `runEql` (the CLI and the _eql/search shape), so the app and the CLI agree.
  const plan = compileEql(text, { dialect: "elastic", eventCategoryField: "event.category" });
  return { plan, ctx: eqlExecContext(ds) };
}

function splPlan(text: string, timeZone: string | undefined): { plan: QueryPlan; ctx: ExecContext } {
  const { plan } = parseSpl(text, { tz: timeZone ?? "UTC", nowMs: Date.now() });
  return { plan, ctx: {} };
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
