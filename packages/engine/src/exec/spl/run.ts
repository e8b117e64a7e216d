import { assertNever, type Pipe, type QueryPlan } from "../../lang/plan.ts";
import type { Dataset } from "../../store/dataset.ts";
import "./functions.ts";
import { checkCancelled, type CancelToken } from "../cancel.ts";
import { SplExecError } from "./errors.ts";
import { columnarStats, columnarStatsEligible } from "./columnar-stats.ts";
import { foldFilter } from "./fold.ts";
import { neededFields } from "./needed.ts";
import { tryFastAggregate, tryFastTimechart } from "./fast.ts";
import { getLookup } from "./lookups.ts";
import { runBin, runEval, runForeach, runWhere } from "./pipes/basic.ts";
import { runChart, runTimechart } from "./pipes/chart.ts";
import { runFields, runFillnull, runRename, runTable } from "./pipes/fields.ts";
import { runLookup } from "./pipes/lookup.ts";
import { runDedup, runHead, runReverse, runSort, runTail, runTop } from "./pipes/order.ts";
import { runAddtotals, runUntable, runXyseries } from "./pipes/reshape.ts";
import { runStats } from "./pipes/stats.ts";
import { runMakemv, runMvexpand, runRex, runSpath } from "./pipes/text.ts";
import { runTransaction } from "./pipes/transaction.ts";
import { splRuntime } from "./runtime.ts";
import { pickedCount, selectPicks } from "./picks.ts";
import { materialise, runInputlookup, runMetadata, runTstats, selectSplEvents } from "./sources.ts";
import type { Table } from "./table.ts";

/** Settings of one SPL run. */
export interface SplRunOptions {
  tz: string;
  nowMs: number;
  /** Skip the typed-array fast paths (tests compare both ways). */
  noFastPath?: boolean;
  /** Cooperative cancellation, checked between batches of rows and between pipes. */
  cancel?: CancelToken;
}

/** What a run produced: the final table and whether rows are still raw events. */
export interface SplRunResult {
  table: Table;
  /** How many events the search selected before the pipes ran (null for generating sources). */
  scanned: number | null;
  /** True when the fast path aggregated the selection without materialising rows. */
  fastPath: boolean;
}

/**
 * Runs an SPL plan: source (events newest first, or a generating command), then each pipe. Rows
 * are materialised only when a pipe needs them; `stats count by F` and `timechart count [by F]`
 * right after the search aggregate the selection directly.
 */
export function runSplPlan(ds: Dataset, plan: QueryPlan, opts: SplRunOptions): SplRunResult {
  const prevTz = splRuntime.tz;
  const prevNow = splRuntime.nowMs;
  splRuntime.tz = opts.tz;
  splRuntime.nowMs = opts.nowMs;
  try {
    checkCancelled(opts.cancel);
    let table: Table;
    const pipes = plan.pipes;
    let scanned: number | null = null;
    const source = plan.source;
    switch (source.kind) {
      case "events": {
        const where = foldFilter(source.where, ds);
        const first = pipes[0];
        if (!opts.noFastPath && first && fastEligible(first)) {
          // Counting needs no event order: select per segment and skip the merge.
          const picks = selectPicks(ds, where, plan.timeRange, opts.cancel);
          const fast =
            tryFastAggregate(ds, picks, first) ??
            tryFastTimechart(ds, picks, first, plan, opts.tz) ??
            (columnarStatsEligible(first) ? columnarStats(ds, picks, first) : null);
          if (fast) {
            scanned = pickedCount(picks);
            table = runPipes(ds, fast, pipes.slice(1), plan, opts.cancel);
            return { table: pipes.length > 1 ? withoutColumns(table) : table, scanned, fastPath: true };
          }
        }
        const list = selectSplEvents(ds, where, plan.timeRange, opts.cancel);
        scanned = list.length;
        table = materialise(ds, list, neededFields(pipes), opts.cancel);
        break;
      }
      case "metadata":
        table = runMetadata(ds, source);
        break;
      case "lookupTable":
        table = runInputlookup(ds, source);
        break;
      case "tstats":
        table = runTstats(ds, source, plan.timeRange);
        break;
      case "sequence":
      case "sample":
      case "join":
        throw new SplExecError(`${source.kind} is an EQL source, not SPL`);
      default:
        return assertNever(source);
    }
    return { table: pipes.length > 0 ? withoutColumns(runPipes(ds, table, pipes, plan, opts.cancel)) : table, scanned, fastPath: false };
  } finally {
    splRuntime.tz = prevTz;
    splRuntime.nowMs = prevNow;
  }
}

/**
 * Columns describe the table an aggregation made, not what pipes did to it afterwards: a pipe
 * may change rows or fields in place and return the same table, so after pipes a table is
 * handed on as rows (the spread builds them and leaves the non-enumerable columns behind).
 */
function withoutColumns(t: Table): Table {
  return t.columns ? { ...t } : t;
}

/** Whether a pipe may be answered by a fast path (checked before selecting events). */
function fastEligible(p: Pipe): boolean {
  if (p.kind === "stats") return columnarStatsEligible(p);
  if (p.kind === "timechart") return p.aggregations.length === 1 && p.aggregations[0]!.fn === "count" && !p.aggregations[0]!.arg;
  return false;
}

function runPipes(ds: Dataset, input: Table, pipes: Pipe[], plan: QueryPlan, cancel?: CancelToken): Table {
  let t = input;
  for (const p of pipes) {
    checkCancelled(cancel);
    t = runPipe(ds, t, p, plan, cancel);
  }
  return t;
}

/** Runs one SPL pipe over a table (exported for the core executor's pipe registry). */
export function runPipe(ds: Dataset, t: Table, p: Pipe, plan: QueryPlan, cancel: CancelToken | undefined): Table {
  switch (p.kind) {
    case "where":
      return runWhere(t, p);
    case "eval":
      return runEval(t, p);
    case "stats":
      return runStats(t, p);
    case "timechart":
      return runTimechart(t, p, plan.timeRange);
    case "chart":
      return runChart(t, p);
    case "rex":
      return runRex(t, p);
    case "table":
      return runTable(t, p);
    case "fields":
      return runFields(t, p);
    case "rename":
      return runRename(t, p);
    case "sort":
      return runSort(t, p);
    case "reverse":
      return runReverse(t);
    case "head":
      return runHead(t, p);
    case "tail":
      return runTail(t, p);
    case "dedup":
      return runDedup(t, p);
    case "top":
    case "rare":
      return runTop(t, p);
    case "bin":
      return runBin(t, p);
    case "untable":
      return runUntable(t, p);
    case "xyseries":
      return runXyseries(t, p);
    case "addtotals":
      return runAddtotals(t, p);
    case "fillnull":
      return runFillnull(t, p);
    case "mvexpand":
      return runMvexpand(t, p);
    case "makemv":
      return runMakemv(t, p);
    case "spath":
      return runSpath(t, p);
    case "lookup":
      return runLookup(t, p, getLookup(ds, p.table));
    case "foreach":
      return runForeach(t, p, (tt, body) => runPipes(ds, tt, body, plan, cancel));
    case "transaction":
      return runTransaction(t, p);
    case "count":
    case "unique":
    case "uniqueCount":
      throw new SplExecError(`"${p.kind}" is an EQL pipe, not SPL`);
    default:
      return assertNever(p);
  }
}
