/**
 * Event lists: references to events across the segments of a dataset, in a global order.
 * Two parallel typed arrays (segment index, row) so a million hits cost 6 MB and no objects.
 * The default order is (time, seq) — the order every segment is stored in — and EQL can ask
 * for another one (its timestamp field, then a tiebreaker field, then seq) through `OrderKeys`.
 */
import type { Dataset } from "../store/dataset.ts";
import { mergeByRank } from "./global-order.ts";
import { mergeRuns, rowsInKeyOrder } from "./merge.ts";

/** Events in a global order: event i is row `row[i]` of segment `seg[i]`. */
export interface EventList {
  seg: Uint16Array;
  row: Uint32Array;
  length: number;
}

/**
 * Per-segment sort keys for an order other than (time, seq): `ts[s][r]` is the primary key of
 * row r of segment s, `tb[s]` the optional secondary key; ties fall back to `seq`. NaN sorts last
 * (an event without the key is placed after every event that has one).
 */
export interface OrderKeys {
  ts: Float64Array[];
  tb: Array<Float64Array | null>;
}

/** An empty list. */
export function emptyEventList(): EventList {
  return { seg: new Uint16Array(0), row: new Uint32Array(0), length: 0 };
}

/** The events of one segment, rows given in ascending order. */
export function segmentEvents(segIndex: number, rows: Uint32Array): EventList {
  return { seg: new Uint16Array(rows.length).fill(segIndex), row: rows, length: rows.length };
}

/** A sub-range [start, end) of a list (views, no copy). */
export function sliceEvents(list: EventList, start: number, end: number): EventList {
  const s = Math.max(0, Math.min(start, list.length));
  const e = Math.max(s, Math.min(end, list.length));
  return { seg: list.seg.subarray(s, e), row: list.row.subarray(s, e), length: e - s };
}

/** The rows 0..n-1, for selecting a whole segment. */
export function allRows(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Compares two events under `keys` (or (time, seq) when `keys` is null): negative when a comes first. */
export function compareEvents(ds: Dataset, keys: OrderKeys | null, sa: number, ra: number, sb: number, rb: number): number {
  if (keys) {
    const c = cmpKey(keys.ts[sa]![ra]!, keys.ts[sb]![rb]!);
    if (c !== 0) return c;
    const ta = keys.tb[sa];
    const tb = keys.tb[sb];
    if (ta && tb) {
      const d = cmpKey(ta[ra]!, tb[rb]!);
      if (d !== 0) return d;
    }
  } else {
    const c = cmpTime(ds.segments[sa]!.time[ra]!, ds.segments[sb]!.time[rb]!);
    if (c !== 0) return c;
  }
  return ds.segments[sa]!.seq[ra]! - ds.segments[sb]!.seq[rb]!;
}

/** NaN last. */
function cmpKey(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : 1;
}

/** Segment time order: NaN first, as segments are stored. */
function cmpTime(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : 1;
}

/**
 * Merges per-segment selections (`perSeg[s]` = selected rows of segment s in ascending row order,
 * or null for none) into one list in global order. Each segment's rows are already in (time, seq)
 * order, so the default order is a merge of runs: through the dataset's global ranks when the
 * order is (time, seq) (a radix sort, see `global-order.ts`), else a k-way merge; with `keys`, a
 * segment whose selected rows are not in key order is sorted first.
 */
export function mergeSelections(ds: Dataset, perSeg: Array<Uint32Array | null>, keys: OrderKeys | null = null): EventList {
  const parts: Array<{ seg: number; rows: Uint32Array }> = [];
  let total = 0;
  for (let s = 0; s < perSeg.length; s++) {
    const rows = perSeg[s];
    if (!rows || rows.length === 0) continue;
    parts.push({ seg: s, rows });
    total += rows.length;
  }
  if (parts.length === 0) return emptyEventList();
  if (parts.length > 1 && total >= RANK_MERGE_MIN && timeOrdered(ds, keys, parts)) return mergeByRank(ds, parts, total, keys !== null);
  if (keys) for (const p of parts) if (!rowsInKeyOrder(ds, keys, p.seg, p.rows)) p.rows = sortRows(ds, keys, p.seg, p.rows);
  if (parts.length === 1) return segmentEvents(parts[0]!.seg, parts[0]!.rows);
  return mergeRuns(ds, keys, parts, total);
}

/** Below this many events a direct merge is cheaper than building the global ranks the first time. */
const RANK_MERGE_MIN = 2048;

/** Whether `keys` order these segments by their stored time and seq alone (no other timestamp field, no tiebreaker). */
function timeOrdered(ds: Dataset, keys: OrderKeys | null, parts: Array<{ seg: number }>): boolean {
  if (!keys) return true;
  for (const p of parts) if (keys.ts[p.seg] !== ds.segments[p.seg]!.time || (keys.tb[p.seg] ?? null) !== null) return false;
  return true;
}

function sortRows(ds: Dataset, keys: OrderKeys, s: number, rows: Uint32Array): Uint32Array {
  return Uint32Array.from(rows).sort((a, b) => compareEvents(ds, keys, s, a, s, b));
}

/** Sorts a whole list by `keys` (a stable sort: equal keys keep their list order). */
export function sortEventList(ds: Dataset, list: EventList, keys: OrderKeys | null): EventList {
  const idx = new Uint32Array(list.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => compareEvents(ds, keys, list.seg[a]!, list.row[a]!, list.seg[b]!, list.row[b]!) || a - b);
  return pickEvents(list, idx);
}

/** The events at the given positions of a list, in that order. */
export function pickEvents(list: EventList, positions: ArrayLike<number>): EventList {
  const n = positions.length;
  const seg = new Uint16Array(n);
  const row = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = positions[i]!;
    seg[i] = list.seg[p]!;
    row[i] = list.row[p]!;
  }
  return { seg, row, length: n };
}
