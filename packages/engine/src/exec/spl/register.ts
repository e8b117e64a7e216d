import type { Pipe, QueryPlan } from "../../lang/plan.ts";
import type { Dataset } from "../../store/dataset.ts";
import { registerPipe, registerSource, type RunState, type Stream } from "../run.ts";
import { runPipe } from "./run.ts";
import { materialise, runInputlookup, runMetadata, runTstats } from "./sources.ts";
import { fieldsOf, type Table } from "./table.ts";

/*
 * Registers the SPL executors with the core's `executePlan`, so a plan from SPL also runs there:
 * the generating sources, every SPL-only pipe, and the shared pipes (head, tail, where, sort)
 * when their input is already a result table (on events the core's own executors run).
 * `runSpl` itself calls `runSplPlan`, which adds the typed-array fast paths and SPL's
 * newest-first event order.
 */

function toTable(ds: Dataset, s: Stream): Table | null {
  switch (s.kind) {
    case "table":
      return { rows: s.rows, fields: s.fields };
    case "events":
      return materialise(ds, s.events);
    case "sequences":
      return null;
  }
}

function toStream(t: Table): Stream {
  return { kind: "table", fields: fieldsOf(t), rows: t.rows };
}

function splPipe(input: Stream, pipe: Pipe, state: RunState): Stream | undefined {
  const t = toTable(state.ds, input);
  if (!t) return undefined;
  return toStream(runPipe(state.ds, t, pipe, state.plan as QueryPlan, state.ctx.cancel));
}

registerSource("metadata", (s, st) => toStream(runMetadata(st.ds, s)));
registerSource("lookupTable", (s, st) => toStream(runInputlookup(st.ds, s)));
registerSource("tstats", (s, st) => toStream(runTstats(st.ds, s, st.plan.timeRange)));

const SPL_ONLY = [
  "eval", "stats", "timechart", "chart", "top", "rare", "dedup", "fields", "table", "rename", "reverse", "rex", "bin",
  "untable", "xyseries", "addtotals", "fillnull", "mvexpand", "makemv", "spath", "lookup", "foreach", "transaction",
] as const;
for (const kind of SPL_ONLY) registerPipe(kind, splPipe);
for (const kind of ["head", "tail", "where", "sort"] as const) registerPipe(kind, (input, pipe, state) => (input.kind === "table" ? splPipe(input, pipe, state) : undefined));
