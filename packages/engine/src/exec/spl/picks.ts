import type { Expr, TimeRange } from "../../lang/plan.ts";
import type { Dataset } from "../../store/dataset.ts";
import { checkCancelled, type CancelToken } from "../cancel.ts";
import { FilterContext, selectRowsView } from "../filter.ts";

/**
 * The selected rows of one segment, ascending. `rows` may be a view of a shared buffer (see
 * `selectRowsView`): read it during the aggregation, never keep it.
 */
export interface SegmentPick {
  seg: number;
  rows: Uint32Array;
}

/**
 * The events matching a search, segment by segment and in no global order: the aggregations
 * that do not care about order (the fast paths) read each segment's columns with its rows and skip
 * both the (time, seq) merge and a dataset-wide list of a million references.
 */
export function selectPicks(ds: Dataset, where: Expr, timeRange: TimeRange | undefined, cancel?: CancelToken): SegmentPick[] {
  const ctx = new FilterContext(ds, { ...(timeRange ? { timeRange } : {}), ...(cancel ? { cancel } : {}) });
  const out: SegmentPick[] = [];
  ds.segments.forEach((seg, s) => {
    checkCancelled(cancel);
    const rows = selectRowsView(ctx, seg, where);
    if (rows.length > 0) out.push({ seg: s, rows });
  });
  return out;
}

/** How many events the picks hold. */
export function pickedCount(picks: SegmentPick[]): number {
  let n = 0;
  for (const p of picks) n += p.rows.length;
  return n;
}
