/**
 * Continues an SPL run from a result table made elsewhere. A backend that ran the search and the
 * first aggregation itself (ClickHouse: only the groups travel) hands its table here, and the
 * remaining pipes run with the engine's own executors and run settings (timezone, now), exactly
 * as `runSplPlan` runs them after its own fast paths — so the answer is the local one.
 */
import type { QueryPlan } from "../../lang/plan.ts";
import { Dataset } from "../../store/dataset.ts";
import type { CancelToken } from "../cancel.ts";
import { checkCancelled } from "../cancel.ts";
import { runPipe } from "./run.ts";
import { splRuntime } from "./runtime.ts";
import { fieldsOf, type Row, type Table } from "./table.ts";

/** Settings of the resumed run (as `runSpl` resolves them). */
export interface SplResumeOptions {
  tz: string;
  nowMs: number;
  cancel?: CancelToken;
}

/**
 * Runs `plan.pipes` from index `from` on `input` (the table pipe `from - 1` produced). `ds` only
 * serves the pipes that read dataset state (lookup tables); by default an empty dataset.
 */
export function runSplPipes(
  input: { fields: string[]; rows: Row[] },
  plan: QueryPlan,
  from: number,
  opts: SplResumeOptions,
  ds: Dataset = new Dataset(),
): { fields: string[]; results: Row[] } {
  const prevTz = splRuntime.tz;
  const prevNow = splRuntime.nowMs;
  splRuntime.tz = opts.tz;
  splRuntime.nowMs = opts.nowMs;
  try {
    let t: Table = { rows: input.rows, fields: [...input.fields] };
    for (const p of plan.pipes.slice(from)) {
      checkCancelled(opts.cancel);
      t = runPipe(ds, t, p, plan, opts.cancel);
    }
    return { fields: fieldsOf(t), results: t.rows };
  } finally {
    splRuntime.tz = prevTz;
    splRuntime.nowMs = prevNow;
  }
}
