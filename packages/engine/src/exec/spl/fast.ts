import type { Pipe, QueryPlan } from "../../lang/plan.ts";
import { limitSeries } from "./series.ts";
import { bucketStart } from "../../lang/spl/time.ts";
import { columnOf, type Dataset } from "../../store/dataset.ts";
import type { Dict } from "../../store/dict.ts";
import { dictColumn, type DictColumn } from "../../store/slice.ts";
import type { Column, Scalar } from "../../store/types.ts";
import type { EventList } from "../event-list.ts";
import { MAX_BUCKETS, autoSpanMs, checkBucketCount } from "./pipes/chart.ts";
import type { Row, Table } from "./table.ts";
import { compareScalarsSpl } from "./values.ts";

/**
 * Fast paths for the two aggregations analysts run most, directly over the event selection:
 * `stats count by F` and `timechart [span=..] count [by F]`. Counting uses dictionary ids into
 * typed arrays (one Float64Array per dictionary), so no row objects are built. Both produce
 * exactly what the general executors would (a test runs both and compares).
 */
export function tryFastAggregate(ds: Dataset, list: EventList, pipe: Pipe | undefined): Table | null {
  if (!pipe) return null;
  if (pipe.kind === "stats" && pipe.mode === "stats" && pipe.by.length === 1 && pipe.by[0] !== "_time" && pipe.aggregations.every((a) => a.fn === "count" && !a.arg)) {
    const counts = countBy(ds, list, pipe.by[0]!);
    if (!counts) return null;
    const keys = [...counts.keys()].sort((a, b) => compareScalarsSpl(counts.get(a)!.value, counts.get(b)!.value));
    const rows: Row[] = keys.map((k) => {
      const c = counts.get(k)!;
      const row: Row = { [pipe.by[0]!]: c.value };
      for (const a of pipe.aggregations) row[a.as] = c.n;
      return row;
    });
    return { rows, fields: [pipe.by[0]!, ...pipe.aggregations.map((a) => a.as).filter((f) => f !== pipe.by[0])] };
  }
  return null;
}

interface Count {
  value: Scalar;
  n: number;
}

/**
 * Counts the selected events per value of `field` (multivalue: each value) with one typed-array
 * cell per dictionary id.
 */
function countBy(ds: Dataset, list: EventList, field: string): Map<string, Count> | null {
  const perDict = new Map<Dict, Float64Array>();
  const nums = new Map<number, number>();
  let segIndex = -1;
  let col: DictColumn | undefined;
  let table: Float64Array | null = null;
  for (let i = 0; i < list.length; i++) {
    const s = list.seg[i]!;
    if (s !== segIndex) {
      segIndex = s;
      col = dictColumn(columnOf(ds.segments[s]!, field));
      // Boolean columns group as true/false values in the general executor: leave them to it.
      if (col?.kind === "str" && col.boolean) return null;
      table = null;
      if (col && col.kind !== "num") {
        table = perDict.get(col.dict) ?? null;
        if (!table || table.length < col.dict.size) {
          const bigger = new Float64Array(col.dict.size);
          if (table) bigger.set(table);
          table = bigger;
          perDict.set(col.dict, table);
        }
      }
    }
    if (!col) continue;
    const r = list.row[i]!;
    if (col.kind === "str") table![col.ids[r]!]!++;
    else if (col.kind === "multi") {
      for (let j = col.offsets[r]!; j < col.offsets[r + 1]!; j++) table![col.ids[j]!]!++;
    } else {
      const v = col.values[r]!;
      if (!Number.isNaN(v)) nums.set(v, (nums.get(v) ?? 0) + 1);
    }
  }
  const out = new Map<string, Count>();
  for (const [dict, t] of perDict) {
    for (let id = 1; id < t.length; id++) {
      if (t[id] === 0) continue;
      const text = dict.values[id]!;
      const prev = out.get(text);
      if (prev) prev.n += t[id]!;
      else out.set(text, { value: text, n: t[id]! });
    }
  }
  for (const [v, n] of nums) {
    const k = String(v);
    const prev = out.get(k);
    if (prev) prev.n += n;
    else out.set(k, { value: v, n });
  }
  return out;
}

/**
 * `timechart [span=S] count [as name] [by F]` over the selection: one pass computing each
 * event's bucket (time is sorted per segment, so consecutive events mostly share a bucket and
 * the timezone work is cached) and incrementing a typed-array cell per (bucket, dictionary id).
 */
export function tryFastTimechart(ds: Dataset, list: EventList, pipe: Pipe | undefined, plan: QueryPlan, tz: string): Table | null {
  if (!pipe || pipe.kind !== "timechart") return null;
  if (pipe.aggregations.length !== 1 || pipe.aggregations[0]!.fn !== "count" || pipe.aggregations[0]!.arg) return null;
  if (list.length === 0) return null;
  // Bucket range: the data's time extent, widened by the query's time range.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < list.length; i++) {
    const t = ds.segments[list.seg[i]!]!.time[list.row[i]!]!;
    if (Number.isNaN(t)) continue;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (!Number.isFinite(lo)) return null;
  const range = plan.timeRange;
  if (range?.earliest != null) lo = Math.min(lo, range.earliest);
  if (range?.latest != null) hi = Math.max(hi, range.latest - 1);
  const span = pipe.spanMs ?? autoSpanMs((range?.latest ?? hi) - (range?.earliest ?? lo));
  const starts: number[] = [];
  checkBucketCount(lo, hi, span);
  for (let b = bucketStart(lo, span, tz), n = 0; b <= hi && n < MAX_BUCKETS; n++) {
    starts.push(b);
    const next = bucketStart(b + span + (span >= 86_400_000 ? 7_200_000 : 0), span, tz);
    b = next > b ? next : b + span;
  }
  const nb = starts.length;
  const bucketIndex = new Map<number, number>();
  starts.forEach((s, i) => bucketIndex.set(s, i));
  const by = pipe.by;
  // Per dictionary: counts[bucket * dictSize + id]; id 0 counts events without the field (NULL).
  const perDict = new Map<Dict, { size: number; counts: Float64Array }>();
  const noField = new Float64Array(nb);
  const numCounts = new Map<number, Float64Array>();
  const totals = new Float64Array(nb);
  let segIndex = -1;
  let col: DictColumn | undefined;
  let cell: { size: number; counts: Float64Array } | null = null;
  let curStart = Infinity;
  let curEnd = -Infinity;
  let lastB = -1;
  for (let i = 0; i < list.length; i++) {
    const s = list.seg[i]!;
    const r = list.row[i]!;
    const seg = ds.segments[s]!;
    if (s !== segIndex) {
      segIndex = s;
      col = by === null ? undefined : dictColumn(columnOf(seg, by));
      cell = null;
      if (col && col.kind !== "num") {
        cell = perDict.get(col.dict) ?? null;
        if (!cell || cell.size < col.dict.size) {
          const size = col.dict.size;
          const counts = new Float64Array(nb * size);
          if (cell) for (let b = 0; b < nb; b++) counts.set(cell.counts.subarray(b * cell.size, (b + 1) * cell.size), b * size);
          cell = { size, counts };
          perDict.set(col.dict, cell);
        }
      }
    }
    const t = seg.time[r]!;
    if (Number.isNaN(t)) continue;
    let b: number;
    // Rows of a segment come in time order: stay in the current bucket until time leaves it.
    if (t >= curStart && t < curEnd) b = lastB;
    else {
      b = bucketIndex.get(bucketStart(t, span, tz)) ?? -1;
      lastB = b;
      curStart = b >= 0 ? starts[b]! : t;
      curEnd = b >= 0 ? (starts[b + 1] ?? hi + 1) : t;
    }
    if (b < 0) continue;
    totals[b]!++;
    if (by === null) continue;
    if (!col) {
      noField[b]!++;
      continue;
    }
    if (col.kind === "str") {
      const id = col.ids[r]!;
      if (id === 0) noField[b]!++;
      else cell!.counts[b * cell!.size + id]!++;
    } else if (col.kind === "multi") {
      const a = col.offsets[r]!;
      const e = col.offsets[r + 1]!;
      if (a === e) noField[b]!++;
      for (let j = a; j < e; j++) cell!.counts[b * cell!.size + col.ids[j]!]!++;
    } else {
      const v = col.values[r]!;
      if (Number.isNaN(v)) {
        noField[b]!++;
        continue;
      }
      let c = numCounts.get(v);
      if (!c) numCounts.set(v, (c = new Float64Array(nb)));
      c[b]!++;
    }
  }
  const name = pipe.aggregations[0]!.as;
  if (by === null) {
    return { rows: starts.map((s, b) => ({ _time: s / 1000, [name]: totals[b]! })), fields: ["_time", name] };
  }
  // Series: text value → per-bucket counts.
  const series = new Map<string, { value: Scalar; counts: Float64Array; total: number }>();
  const add = (key: string, value: Scalar, b: number, n: number) => {
    let sr = series.get(key);
    if (!sr) series.set(key, (sr = { value, counts: new Float64Array(nb), total: 0 }));
    sr.counts[b]! += n;
    sr.total += n;
  };
  for (const [dict, c] of perDict) {
    for (let b = 0; b < nb; b++) {
      const base = b * c.size;
      for (let id = 1; id < c.size; id++) {
        const n = c.counts[base + id]!;
        if (n > 0) add(dict.values[id]!, dict.values[id]!, b, n);
      }
    }
  }
  for (const [v, c] of numCounts) for (let b = 0; b < nb; b++) if (c[b]! > 0) add(String(v), v, b, c[b]!);
  const useNull = pipe.useNull ?? true;
  if (useNull) for (let b = 0; b < nb; b++) if (noField[b]! > 0) add("NULL", "NULL", b, noField[b]!);
  const { keys, other, hasOther } = limitSeries(series, pipe.limit, nb);
  const columns = [...keys, ...(hasOther && pipe.useOther ? ["OTHER"] : [])];
  // One row per bucket (44 640 for a month at span=1m): read each series' counts from an array,
  // not through the series map per cell (bench: the rows are most of a one-minute timechart's time).
  const cols = keys.map((k) => series.get(k)!.counts);
  const nk = keys.length;
  const withOther = hasOther && pipe.useOther;
  const rows: Row[] = new Array<Row>(nb);
  for (let b = 0; b < nb; b++) {
    const row: Row = { _time: starts[b]! / 1000 };
    for (let j = 0; j < nk; j++) row[keys[j]!] = cols[j]![b]!;
    if (withOther) row.OTHER = other[b]!;
    rows[b] = row;
  }
  return { rows, fields: ["_time", ...columns] };
}
