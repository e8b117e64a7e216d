import type { QueryInfo, ViewRef } from "@quarry/engine";
import { createStore } from "./store.ts";

/** A time range in ms (earliest inclusive, latest exclusive); null ends are open. */
export interface TimeRange {
  earliest: number | null;
  latest: number | null;
}

/** What the analyst is looking at: the time range, the last run, the timechart split. */
export interface InvestigationState {
  timeRange: TimeRange | null;
  /** The last query result, null = every loaded event. */
  result: QueryInfo | null;
  splitBy: string;
  /** Seq of the expanded event in the events table. */
  expanded: number | null;
}

export const investigation = createStore<InvestigationState>({ timeRange: null, result: null, splitBy: "sourcetype", expanded: null });

/** The engine view the panels show for a state. */
export function viewOf(s: InvestigationState): ViewRef {
  if (s.result && s.result.kind !== "table") return { kind: "result", handle: s.result.handle };
  return { kind: "all", earliest: s.timeRange?.earliest ?? null, latest: s.timeRange?.latest ?? null };
}

/** Narrows (or clears, with null) the time range. */
export function setTimeRange(range: TimeRange | null): void {
  investigation.set((s) => ({ ...s, timeRange: range, expanded: null }));
}
