import type { Pipe, QueryPlan } from "../../lang/plan.ts";
import { bucketStart, bucketStarts } from "../../lang/spl/time.ts";
import { columnOf, type Dataset } from "../../store/dataset.ts";
import type { Dict } from "../../store/dict.ts";
import { dictColumn } from "../../store/slice.ts";
import type { Scalar } from "../../store/types.ts";
import { MAX_BUCKETS, autoSpanMs, checkBucketCount } from "./pipes/chart.ts";
import type { SegmentPick } from "./picks.ts";
import { limitSeries } from "./series.ts";
import { columnarTable } from "./columns.ts";
import { SCRATCH, scratchInt32 } from "./scratch.ts";
import type { Table } from "./table.ts";

/**
 * `timechart [span=S] count [as name] [by F]` over the selection, segment by segment: each event's
 * bucket (rows of a segment come in time order, so consecutive events mostly share one, and a new
 * one is found by arithmetic on the bucket starts), then a typed-array cell per (bucket,
 * dictionary id). Produces exactly what the general executor would (a test runs both).
 */
export function tryFastTimechart(ds: Dataset, picks: SegmentPick[], pipe: Pipe | undefined, plan: QueryPlan, tz: string): Table | null {
  if (!pipe || pipe.kind !== "timechart") return null;
  if (pipe.aggregations.length !== 1 || pipe.aggregations[0]!.fn !== "count" || pipe.aggregations[0]!.arg) return null;
  if (picks.length === 0) return null;
  // Bucket range: the data's time extent, widened by the query's range.
  let [lo, hi] = timeExtent(ds, picks);
  if (!Number.isFinite(lo)) return null;
  const range = plan.timeRange;
  if (range?.earliest != null) lo = Math.min(lo, range.earliest);
  if (range?.latest != null) hi = Math.max(hi, range.latest - 1);
  const span = pipe.spanMs ?? autoSpanMs((range?.latest ?? hi) - (range?.earliest ?? lo));
  checkBucketCount(lo, hi, span);
  const starts = cachedBucketStarts(lo, hi, span, tz);
  const nb = starts.length;
  const buckets = new Buckets(starts, span, tz, hi);
  const by = pipe.by;
  // Each phase is its own function: one long function was optimized while its first loop ran
  // and deoptimized at the code after it (no type feedback yet) on each of the first runs.
  const counts = countPicks(ds, picks, by, buckets, nb);
  const name = pipe.aggregations[0]!.as;
  // The result is columns: `_time` in seconds, then one count column per series (see columns.ts).
  const time = secondsOf(starts);
  if (by === null) return columnarTable(["_time", name], [time, counts.totals], nb);
  const series = seriesOfCounts(counts, nb, pipe.useNull ?? true);
  const { keys, other, hasOther } = limitSeries(series, pipe.limit, nb);
  const withOther = hasOther && pipe.useOther;
  const fields = ["_time", ...keys, ...(withOther ? ["OTHER"] : [])];
  return columnarTable(fields, [time, ...keys.map((k) => series.get(k)!.counts), ...(withOther ? [other] : [])], nb);
}

/** [first, last] event time of the picked rows (rows ascend in time, NaN first); [Infinity, -Infinity] for none. */
function timeExtent(ds: Dataset, picks: SegmentPick[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { seg, rows } of picks) {
    const time = ds.segments[seg]!.time;
    let i = 0;
    while (i < rows.length && Number.isNaN(time[rows[i]!]!)) i++;
    if (i === rows.length) continue;
    lo = Math.min(lo, time[rows[i]!]!);
    hi = Math.max(hi, time[rows[rows.length - 1]!]!);
  }
  return [lo, hi];
}

/** Bucket starts in seconds, the `_time` column. */
function secondsOf(starts: number[]): Float64Array {
  const time = new Float64Array(starts.length);
  for (let b = 0; b < starts.length; b++) time[b] = starts[b]! / 1000;
  return time;
}

/** The counts of a timechart: per dictionary, per number, without the field, and in all. */
interface Counts {
  /** Per dictionary: counts[id * buckets + bucket], so each value's series is one contiguous run (handed on as the result column without a copy). */
  perDict: Map<Dict, { size: number; counts: Float64Array }>;
  numCounts: Map<number, Float64Array>;
  /** Events without the field (NULL). */
  noField: Float64Array;
  totals: Float64Array;
}

/** Counts the picked rows per bucket and BY value. */
function countPicks(ds: Dataset, picks: SegmentPick[], by: string | null, buckets: Buckets, nb: number): Counts {
  const perDict = new Map<Dict, { size: number; counts: Float64Array }>();
  const noField = new Float64Array(nb);
  const numCounts = new Map<number, Float64Array>();
  const totals = new Float64Array(nb);
  for (const { seg: s, rows } of picks) {
    const seg = ds.segments[s]!;
    const col = by === null ? undefined : dictColumn(columnOf(seg, by));
    // The common cases count in one pass as they find each row's bucket: no BY field (or a
    // segment without it: NULL), and a single-valued dictionary column.
    if (!col) {
      buckets.countRows(seg.time, rows, totals, by === null ? null : noField);
      continue;
    }
    const cell = col.kind === "num" ? null : cellFor(perDict, col.dict, nb);
    if (col.kind === "str") {
      buckets.countIds(seg.time, rows, col.ids, totals, noField, cell!.counts, nb);
      continue;
    }
    // Else two passes of small loops, each compiled for one kind of array: the bucket of every
    // row (-1: no time or no bucket), then the counts.
    const bucketOf = scratchInt32(SCRATCH.timechartBuckets, rows.length);
    buckets.of(seg.time, rows, bucketOf);
    countTotals(bucketOf, rows.length, totals);
    if (col.kind === "num") countNumbers(col.values, rows, bucketOf, noField, numCounts, nb);
    else countMulti(col.offsets, col.ids, rows, bucketOf, noField, cell!.counts, nb);
  }
  return { perDict, numCounts, noField, totals };
}

type Series = { value: Scalar; counts: Float64Array; total: number };

/** Series: text value → per-bucket counts, in the order the general executor makes them. */
function seriesOfCounts({ perDict, numCounts, noField }: Counts, nb: number, useNull: boolean): Map<string, Series> {
  const series = new Map<string, Series>();
  const seriesOf = (key: string, value: Scalar): Series => {
    let sr = series.get(key);
    if (!sr) series.set(key, (sr = { value, counts: new Float64Array(nb), total: 0 }));
    return sr;
  };
  for (const [dict, c] of perDict) {
    // Series are made in the order a walk bucket by bucket (ids ascending within one) meets
    // them, as the general executor's order of first appearance: by first bucket, then id.
    const found = seriesInCells(c.counts, c.size, nb);
    for (const { id, total } of found) {
      const text = dict.values[id]!;
      const run = c.counts.subarray(id * nb, id * nb + nb);
      const sr = series.get(text);
      if (!sr) series.set(text, { value: text, counts: run, total });
      else {
        // The same text from another dictionary (an alias to another stored field).
        for (let b = 0; b < nb; b++) sr.counts[b]! += run[b]!;
        sr.total += total;
      }
    }
  }
  for (const [v, c] of numCounts) {
    for (let b = 0; b < nb; b++) {
      if (!(c[b]! > 0)) continue;
      const sr = seriesOf(String(v), v);
      sr.counts[b]! += c[b]!;
      sr.total += c[b]!;
    }
  }
  if (useNull) {
    let nul: Series | null = null;
    for (let b = 0; b < nb; b++) {
      const n = noField[b]!;
      if (n <= 0) continue;
      nul ??= seriesOf("NULL", "NULL");
      nul.counts[b]! += n;
      nul.total += n;
    }
  }
  return series;
}

/** The ids with counts in a dictionary's cells, by first bucket then id, with their totals. */
function seriesInCells(counts: Float64Array, size: number, nb: number): Array<{ first: number; id: number; total: number }> {
  const found: Array<{ first: number; id: number; total: number }> = [];
  for (let id = 1; id < size; id++) {
    const base = id * nb;
    let first = -1;
    let total = 0;
    for (let b = 0; b < nb; b++) {
      const n = counts[base + b]!;
      if (n === 0) continue;
      if (first < 0) first = b;
      total += n;
    }
    if (first >= 0) found.push({ first, id, total });
  }
  return found.sort((x, y) => x.first - y.first || x.id - y.id);
}

/**
 * `bucketStarts` of the last few (range, span, zone) asked: a one-minute timechart over a month
 * is 44 746 calendar computations (7% of the query), the same each time a dashboard re-runs.
 */
function cachedBucketStarts(lo: number, hi: number, span: number, tz: string): number[] {
  const key = `${lo}|${hi}|${span}|${tz}`;
  let starts = startsCache.get(key);
  if (!starts) {
    starts = bucketStarts(lo, hi, span, tz, MAX_BUCKETS);
    if (startsCache.size >= 4) startsCache.delete(startsCache.keys().next().value!);
    startsCache.set(key, starts);
  }
  return starts;
}
const startsCache = new Map<string, number[]>();

/** The count cells of a dictionary, grown when the dictionary has grown. */
function cellFor(perDict: Map<Dict, { size: number; counts: Float64Array }>, dict: Dict, nb: number): { size: number; counts: Float64Array } {
  let cell = perDict.get(dict) ?? null;
  if (!cell || cell.size < dict.size) {
    const size = dict.size;
    const counts = new Float64Array(nb * size);
    if (cell) counts.set(cell.counts);
    cell = { size, counts };
    perDict.set(dict, cell);
  }
  return cell;
}

/**
 * Bucket of an event time: rows of a segment ascend in time, so a row mostly stays in the
 * bucket of the previous one; a new bucket is found by arithmetic on the starts in UTC (buckets
 * shorter than a day are `span` apart: the floor of (t - s0) / span, checked against the
 * starts; bucketStart's modulo on doubles per bucket change was the costliest line of a
 * one-minute timechart), else by bucketStart and the starts' positions.
 */
class Buckets {
  private readonly nb: number;
  private readonly s0: number;
  private readonly regular: boolean;
  /** Bucket start → index, made only if a start is not where `span` arithmetic puts it (DST): 44 746 inserts of boxed doubles were a tenth of a one-minute timechart. */
  private index: Map<number, number> | null = null;

  /** bounds[b] = start of bucket b; bounds[nb] = the end of the last one (after `hi`). */
  private readonly bounds: Float64Array;

  constructor(
    private readonly starts: number[],
    private readonly span: number,
    private readonly tz: string,
    /** The last event time: the last bucket ends after it. */
    private readonly hi: number,
  ) {
    this.nb = starts.length;
    this.s0 = starts[0]!;
    this.regular = (tz === "UTC" || tz === "Etc/UTC") && span < 86_400_000 && starts.every((x, i) => x === this.s0 + i * span);
    this.bounds = new Float64Array(this.nb + 1);
    this.bounds.set(starts);
    this.bounds[this.nb] = hi + 1;
  }

  /**
   * The bucket of `t`, a time at or after bucket `b`'s start: rows ascend in time, and at one-minute
   * buckets a segment's next event is mostly one or two buckets on (most rows change bucket), so a
   * short walk forward over the bounds comes before the arithmetic of `find`.
   */
  private next(t: number, b: number): number {
    const bounds = this.bounds;
    if (b >= 0 && t >= bounds[b]!) {
      const last = Math.min(this.nb, b + 4);
      for (let k = b + 1; k < last; k++) if (t < bounds[k + 1]!) return t >= bounds[k]! ? k : this.find(t);
    }
    return this.find(t);
  }

  /** out[i] = bucket of row rows[i] (-1: no time, or outside every bucket). */
  of(time: Float64Array, rows: Uint32Array, out: Int32Array): void {
    const bounds = this.bounds;
    let curStart = Infinity;
    let curEnd = -Infinity;
    let b = -1;
    for (let i = 0; i < rows.length; i++) {
      const t = time[rows[i]!]!;
      if (t !== t) {
        out[i] = -1;
        continue;
      }
      if (!(t >= curStart && t < curEnd)) {
        b = this.next(t, b);
        curStart = b >= 0 ? bounds[b]! : t;
        curEnd = b >= 0 ? bounds[b + 1]! : t;
      }
      out[i] = b;
    }
  }

  /** totals[bucket]++ (and also[bucket]++ when given) for every row with a bucket, in one pass. */
  countRows(time: Float64Array, rows: Uint32Array, totals: Float64Array, also: Float64Array | null): void {
    const bounds = this.bounds;
    let curStart = Infinity;
    let curEnd = -Infinity;
    let b = -1;
    for (let i = 0; i < rows.length; i++) {
      const t = time[rows[i]!]!;
      if (t !== t) continue;
      if (!(t >= curStart && t < curEnd)) {
        b = this.next(t, b);
        curStart = b >= 0 ? bounds[b]! : t;
        curEnd = b >= 0 ? bounds[b + 1]! : t;
      }
      if (b < 0) continue;
      totals[b]!++;
      if (also !== null) also[b]!++;
    }
  }

  /** `countRows` and, per row, counts[id × nb + bucket]++ of a dictionary column (id 0, no value: noField). */
  countIds(time: Float64Array, rows: Uint32Array, ids: ArrayLike<number>, totals: Float64Array, noField: Float64Array, counts: Float64Array, nb: number): void {
    const bounds = this.bounds;
    let curStart = Infinity;
    let curEnd = -Infinity;
    let b = -1;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const t = time[r]!;
      if (t !== t) continue;
      if (!(t >= curStart && t < curEnd)) {
        b = this.next(t, b);
        curStart = b >= 0 ? bounds[b]! : t;
        curEnd = b >= 0 ? bounds[b + 1]! : t;
      }
      if (b < 0) continue;
      totals[b]!++;
      const id = ids[r]!;
      if (id === 0) noField[b]!++;
      else counts[id * nb + b]!++;
    }
  }

  private find(t: number): number {
    if (this.regular) {
      const g = Math.floor((t - this.s0) / this.span);
      if (g >= 0 && g < this.nb && this.starts[g]! <= t && (g + 1 === this.nb || t < this.starts[g + 1]!)) return g;
    }
    return this.indexOf(bucketStart(t, this.span, this.tz));
  }

  /** Index of the bucket starting at `start`, -1 if none: buckets are usually `span` apart, else the map says. */
  private indexOf(start: number): number {
    const guess = Math.round((start - this.s0) / this.span);
    if (guess >= 0 && guess < this.nb && this.starts[guess] === start) return guess;
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < this.nb; i++) this.index.set(this.starts[i]!, i);
    }
    return this.index.get(start) ?? -1;
  }
}

/** counts[b]++ for every row's bucket. */
function countTotals(bucketOf: Int32Array, n: number, counts: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const b = bucketOf[i]!;
    if (b >= 0) counts[b]!++;
  }
}

function countMulti(offsets: Uint32Array, ids: Uint32Array, rows: Uint32Array, bucketOf: Int32Array, noField: Float64Array, counts: Float64Array, nb: number): void {
  for (let i = 0; i < rows.length; i++) {
    const b = bucketOf[i]!;
    if (b < 0) continue;
    const r = rows[i]!;
    const a = offsets[r]!;
    const e = offsets[r + 1]!;
    if (a === e) noField[b]!++;
    for (let j = a; j < e; j++) counts[ids[j]! * nb + b]!++;
  }
}

/** A numeric column: one count array per distinct number. */
function countNumbers(values: Float64Array, rows: Uint32Array, bucketOf: Int32Array, noField: Float64Array, numCounts: Map<number, Float64Array>, nb: number): void {
  for (let i = 0; i < rows.length; i++) {
    const b = bucketOf[i]!;
    if (b < 0) continue;
    const v = values[rows[i]!]!;
    if (v !== v) {
      noField[b]!++;
      continue;
    }
    let c = numCounts.get(v);
    if (!c) numCounts.set(v, (c = new Float64Array(nb)));
    c[b]!++;
  }
}
