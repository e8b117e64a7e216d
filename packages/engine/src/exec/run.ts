/**
 * Plan execution: a source produces a stream (events, sequences, or a table), then each pipe
 * transforms it. Both switches are exhaustive over the plan. Sources and pipes that belong to
 * SPL (stats, timechart, eval, metadata…) are run by executors registered from `exec/spl/` with
 * `registerPipe` / `registerSource`, so adding one does not touch this file.
 */
import type { Dataset } from "../store/dataset.ts";
import { assertNever, type Pipe, type QueryPlan, type Source } from "../lang/plan.ts";
import type { CancelToken } from "./cancel.ts";
import { emptyEventList, type OrderKeys } from "./event-list.ts";
import type { EvalOptions } from "./expr.ts";
import { selectEvents } from "./filter.ts";
import { hasKeyMask, orderKeysFor, type OrderSpec } from "./order.ts";
import { runEqlPipe } from "./pipes.ts";
import { runJoin, runSample } from "./sample.ts";
import { runSequence } from "./sequence.ts";
import type { Stream } from "./stream.ts";

export type { Row, SequenceHit, Stream } from "./stream.ts";

/** Everything an execution needs besides the plan. */
export interface ExecContext {
  cancel?: CancelToken;
  eval?: EvalOptions;
  /**
   * Event order. Absent: (ingest time, seq), the SPL order. EQL sets its timestamp field and
   * tiebreaker; events without the timestamp field are then left out, as Elasticsearch does.
   */
  order?: OrderSpec;
  /** Events whose join key is missing still join (on the null key) instead of being skipped. */
  nullJoinKeys?: boolean;
  /** Units of the timestamp key per millisecond, for `maxspan` (1 for epoch ms, 10 000 for FILETIME ticks). */
  timeUnitsPerMs?: number;
  /** Endgame `sort` compares text case-insensitively (Python EQL's default mode). */
  sortCaseInsensitive?: boolean;
  /** EQL `max_samples_per_key` (default 1). */
  maxSamplesPerKey?: number;
  /**
   * EQL `size`: the most events/sequences a query returns. Executors may stop early once the
   * first `size` results are certain (a sequence query whose only pipes are `head`); the caller
   * still cuts the stream to `size` (keeping the last ones after a `tail`).
   */
  size?: number;
}

/** Resolved per-run state handed to source and pipe executors. */
export interface RunState {
  ds: Dataset;
  ctx: ExecContext;
  /** Order keys when `ctx.order` is set, else null ((time, seq)). */
  keys: OrderKeys | null;
  plan: QueryPlan;
}

/** The result of a plan: the final stream. */
export type QueryResult = Stream;

/** Runs a source kind that the core does not implement (SPL sources). */
export type SourceExecutor<K extends Source["kind"]> = (source: Extract<Source, { kind: K }>, state: RunState) => Stream;
/**
 * Runs a pipe kind. Returning undefined declines (the core's own executor, if any, runs): this
 * lets SPL handle table streams for pipes the core already runs on events.
 */
export type PipeExecutor<K extends Pipe["kind"]> = (input: Stream, pipe: Extract<Pipe, { kind: K }>, state: RunState) => Stream | undefined;

const SOURCES = new Map<string, SourceExecutor<never>>();
const PIPES = new Map<string, PipeExecutor<never>>();

/** Registers the executor of a source kind. */
export function registerSource<K extends Source["kind"]>(kind: K, fn: SourceExecutor<K>): void {
  SOURCES.set(kind, fn as unknown as SourceExecutor<never>);
}

/** Registers the executor of a pipe kind (consulted before the core's own). */
export function registerPipe<K extends Pipe["kind"]>(kind: K, fn: PipeExecutor<K>): void {
  PIPES.set(kind, fn as unknown as PipeExecutor<never>);
}

/** An execution error that is the query's fault (unsupported node, bad argument): reported, not a crash. */
export class ExecError extends Error {
  override readonly name = "ExecError";
}

/** Runs a plan over a dataset. */
export function executePlan(ds: Dataset, plan: QueryPlan, ctx: ExecContext = {}): QueryResult {
  const state: RunState = { ds, ctx, keys: ctx.order ? orderKeysFor(ds, ctx.order) : null, plan };
  let stream = runSource(plan.source, state);
  for (const pipe of plan.pipes) stream = runPipe(stream, pipe, state);
  return stream;
}

/** Rows that EQL considers (timestamp present), per segment. */
export function timestampFilter(state: RunState): ((seg: { id: number }) => Uint8Array | null) | undefined {
  const keys = state.keys;
  if (!keys || state.ctx.order?.timestampField === null) return undefined;
  const masks = new Map<number, Uint8Array | null>();
  return (seg) => {
    if (!masks.has(seg.id)) masks.set(seg.id, hasKeyMask(keys.ts[seg.id]!));
    return masks.get(seg.id) ?? null;
  };
}

function delegateSource(source: Source, state: RunState): Stream {
  const fn = SOURCES.get(source.kind) as SourceExecutor<typeof source.kind> | undefined;
  if (!fn) throw new ExecError(`no executor for source ${source.kind}`);
  return (fn as (s: Source, st: RunState) => Stream)(source, state);
}

function runSource(source: Source, state: RunState): Stream {
  switch (source.kind) {
    case "events": {
      const rowFilter = timestampFilter(state);
      return {
        kind: "events",
        events: state.ds.segments.length
          ? selectEvents(state.ds, source.where, {
              timeRange: state.plan.timeRange,
              cancel: state.ctx.cancel,
              eval: state.ctx.eval,
              order: state.keys,
              ...(rowFilter ? { rowFilter } : {}),
            })
          : emptyEventList(),
      };
    }
    case "sequence":
      return runSequence(source, state);
    case "sample":
      return runSample(source, state);
    case "join":
      return runJoin(source, state);
    case "metadata":
    case "lookupTable":
    case "tstats":
      return delegateSource(source, state);
    default:
      return assertNever(source);
  }
}

function runPipe(input: Stream, pipe: Pipe, state: RunState): Stream {
  const registered = PIPES.get(pipe.kind) as ((i: Stream, p: Pipe, s: RunState) => Stream | undefined) | undefined;
  if (registered) {
    const out = registered(input, pipe, state);
    if (out) return out;
  }
  switch (pipe.kind) {
    case "head":
    case "tail":
    case "where":
    case "sort":
    case "count":
    case "unique":
    case "uniqueCount":
      return runEqlPipe(input, pipe, state);
    case "eval":
    case "stats":
    case "timechart":
    case "chart":
    case "top":
    case "rare":
    case "dedup":
    case "fields":
    case "table":
    case "rename":
    case "reverse":
    case "rex":
    case "bin":
    case "untable":
    case "xyseries":
    case "addtotals":
    case "fillnull":
    case "mvexpand":
    case "makemv":
    case "spath":
    case "lookup":
    case "foreach":
    case "transaction":
      throw new ExecError(`no executor for pipe ${pipe.kind}`);
    default:
      return assertNever(pipe);
  }
}
