import type { Dataset } from "../store/dataset.ts";
import { sliceValue } from "../store/slice.ts";
import type { Segment } from "../store/types.ts";
import { firstColumn, FIELDS } from "./fields.ts";

/** Rows of a result per segment id, ascending: how a query result (an event list) reaches a view. */
export type RowSelection = ReadonlyMap<number, Uint32Array>;

/** Throws (e.g. a CancelledError) when the caller wants the computation to stop; called between batches. */
export type CancelCheck = () => void;

/** Rows scanned between two cancel checks. */
export const BATCH_ROWS = 65536;

/** Which events a view looks at: a selection, a host, a time range; all optional and combined with AND. */
export interface ViewScope {
  selection?: RowSelection | null;
  /** Host name, compared case-insensitively against `host` (or `host.name`). */
  host?: string | null;
  /** Inclusive earliest, exclusive latest, in ms since the epoch; null = open. */
  timeRange?: { earliest: number | null; latest: number | null } | null;
  cancel?: CancelCheck | null;
}

/** The rows of one segment inside a scope, ascending. */
export function scopedRows(seg: Segment, scope: ViewScope): Uint32Array {
  const sel = scope.selection ? scope.selection.get(seg.id) : undefined;
  if (scope.selection && !sel) return new Uint32Array(0);
  const earliest = scope.timeRange?.earliest ?? null;
  const latest = scope.timeRange?.latest ?? null;
  const hostOk = hostMatcher(seg, scope.host ?? null);
  if (hostOk === false) return new Uint32Array(0);
  const n = sel ? sel.length : seg.rowCount;
  const out = new Uint32Array(n);
  let k = 0;
  const time = seg.time;
  for (let i = 0; i < n; i++) {
    const r = sel ? sel[i] : i;
    if (earliest !== null && !(time[r] >= earliest)) continue;
    if (latest !== null && !(time[r] < latest)) continue;
    if (hostOk !== true && !hostOk(r)) continue;
    out[k++] = r;
  }
  return k === n ? out : out.subarray(0, k);
}

/** Segments of a dataset with their scoped rows, skipping empty ones. */
export function* scopedSegments(ds: Dataset, scope: ViewScope): Generator<{ seg: Segment; rows: Uint32Array }> {
  for (const seg of ds.segments) {
    scope.cancel?.();
    const rows = scopedRows(seg, scope);
    if (rows.length > 0) yield { seg, rows };
  }
}

/** true = every row matches, false = none, else a per-row test through a per-dictionary-id table. */
function hostMatcher(seg: Segment, host: string | null): true | false | ((row: number) => boolean) {
  if (host === null || host === "") return true;
  const col = firstColumn(seg, FIELDS.host);
  if (!col || col.kind === "num") return false;
  const want = host.toLowerCase();
  if (col.kind === "slice") return (r) => sliceValue(col, r)?.toLowerCase() === want;
  const lower = col.dict.lower();
  const ok = new Uint8Array(lower.length);
  let any = false;
  for (let id = 1; id < lower.length; id++) {
    if (lower[id] === want) {
      ok[id] = 1;
      any = true;
    }
  }
  if (!any) return false;
  if (col.kind === "str") {
    const ids = col.ids;
    return (r) => ok[ids[r]] === 1;
  }
  const { offsets, ids } = col;
  return (r) => {
    for (let i = offsets[r]; i < offsets[r + 1]; i++) if (ok[ids[i]] === 1) return true;
    return false;
  };
}

/** Events as an executor lists them (parallel segment / row arrays), any order. */
export interface EventRefsLike {
  seg: ArrayLike<number>;
  row: ArrayLike<number>;
  length: number;
}

/** A selection from an event list (a query result): rows grouped per segment, ascending. */
export function selectionFromEvents(ds: Dataset, list: EventRefsLike): RowSelection {
  const counts = new Uint32Array(ds.segments.length);
  for (let i = 0; i < list.length; i++) counts[list.seg[i]]++;
  const rows = Array.from(counts, (n) => new Uint32Array(n));
  const fill = new Uint32Array(ds.segments.length);
  for (let i = 0; i < list.length; i++) {
    const s = list.seg[i];
    rows[s][fill[s]++] = list.row[i];
  }
  const out = new Map<number, Uint32Array>();
  rows.forEach((r, s) => {
    if (r.length > 0) out.set(ds.segments[s].id, r.sort());
  });
  return out;
}
