/**
 * The fields an EQL plan reads, so the first phase of a remote run (see `two-phase.ts`) fetches
 * only their columns for the local executor. Every field node counts (optional `?x` ones, fields
 * of `events[N]`, lambda variables — harmless extras), and `_raw` is asked for when a node reads
 * the raw text (`_raw` itself, SPL-style terms). A plan whose reads cannot be listed from its
 * nodes — lineage, which walks process trees through fields the executor chooses, or any pipe
 * that is not an EQL pipe — gives null: the caller then fetches whole events, as before.
 */
import { walkPlanExprs, type QueryPlan } from "@quarry/engine";

/** What a plan reads. */
export interface PlanFields {
  /** Field names as the query writes them (resolved per segment later: stored column, alias, object parts). */
  names: Set<string>;
  /** Whether the raw text is read. */
  raw: boolean;
}

/** The fields `plan` reads, or null when they cannot be listed from its nodes. */
export function planFields(plan: QueryPlan): PlanFields | null {
  const out: PlanFields = { names: new Set(), raw: false };
  const name = (n: string): void => {
    if (n === "_raw") out.raw = true;
    else out.names.add(n);
    // A sequence pipe may name `events[N].field` in the name itself.
    const m = /^events\[\d+\]\.(.+)$/.exec(n);
    if (m) name(m[1]!);
  };
  let lineage = false;
  const complete = walkPlanExprs(plan, (e) => {
    switch (e.kind) {
      case "field":
        return name(e.name);
      case "term":
        // A term matches the raw text.
        out.raw = true;
        return;
      case "lambdaVar":
        name(e.param);
        if (e.path) name(`${e.param}.${e.path}`);
        return;
      case "lambda":
        return name(e.param);
      case "lineage":
        lineage = true;
        return;
      default:
        return;
    }
  });
  return complete && !lineage ? out : null;
}
