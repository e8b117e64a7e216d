import { sliceValue } from "../store/slice.ts";
import type { Column, Segment } from "../store/types.ts";

/** Rows of one segment taking part in a computation; `rows` null = every row. */
export interface SegmentRows {
  segment: Segment;
  rows: Uint32Array | null;
}

/** A field's summary over a set of events, as the fields sidebar shows it. */
export interface FieldStat {
  field: string;
  /** "number" when every present value is numeric, "string" when none is, else "mixed". */
  type: "string" | "number" | "mixed";
  /** Events that have the field. */
  count: number;
  /** count / events considered, 0..1. */
  coverage: number;
  /** Distinct values seen (a lower bound when `distinctCapped`). */
  distinct: number;
  distinctCapped: boolean;
  /** Most frequent values, most frequent first; ties broken by value order. */
  top: Array<{ value: string | number; count: number }>;
  numeric: { min: number; max: number; avg: number } | null;
}

/** Distinct float values tracked per numeric column before giving up on exact top values. */
const MAX_NUM_DISTINCT = 1 << 16;

/** Per-field accumulator; dictionary counts are indexed by the shared dictionary's ids. */
interface Acc {
  count: number;
  idCounts: Uint32Array | null;
  dictValues: string[] | null;
  dictNumbers: Float64Array | null;
  nums: Map<number, number>;
  numsCapped: boolean;
  /** Texts of slice columns that the shared dictionary does not hold, counted by value. */
  texts: Map<string, number>;
  numCount: number;
  min: number;
  max: number;
  sum: number;
}

/**
 * Summarises every stored field over the given rows: coverage, distinct count, top values and
 * numeric min/max/avg. One pass per column; string values are counted by dictionary id, so the
 * cost is one typed-array increment per value.
 */
export function fieldStats(parts: SegmentRows[], top = 10): FieldStat[] {
  const accs = new Map<string, Acc>();
  let total = 0;
  for (const { segment, rows } of parts) {
    const n = rows ? rows.length : segment.rowCount;
    total += n;
    if (n === 0) continue;
    for (const [name, col] of segment.columns) {
      let acc = accs.get(name);
      if (!acc) {
        acc = { count: 0, idCounts: null, dictValues: null, dictNumbers: null, nums: new Map(), numsCapped: false, texts: new Map(), numCount: 0, min: Infinity, max: -Infinity, sum: 0 };
        accs.set(name, acc);
      }
      accumulate(acc, col, rows, n);
    }
  }
  const out: FieldStat[] = [];
  for (const [field, acc] of accs) if (acc.count > 0) out.push(finish(field, acc, total, top));
  out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return out;
}

function accumulate(acc: Acc, col: Column, rows: Uint32Array | null, n: number): void {
  switch (col.kind) {
    case "str": {
      const counts = idCounts(acc, col.dict.values, col.dict.size);
      const ids = col.ids;
      for (let i = 0; i < n; i++) {
        const id = ids[rows ? rows[i]! : i]!;
        if (id !== 0) {
          counts[id]!++;
          acc.count++;
        }
      }
      acc.dictNumbers = null;
      return;
    }
    case "multi": {
      const counts = idCounts(acc, col.dict.values, col.dict.size);
      const { offsets, ids } = col;
      for (let i = 0; i < n; i++) {
        const r = rows ? rows[i]! : i;
        const s = offsets[r]!;
        const e = offsets[r + 1]!;
        if (s === e) continue;
        acc.count++;
        for (let j = s; j < e; j++) counts[ids[j]!]!++;
      }
      return;
    }
    case "slice": {
      // Near-unique text: values the shared dictionary holds count by id (so they merge with
      // dictionary columns of the same field), the rest by text, up to the same cap as numbers.
      const counts = idCounts(acc, col.dict.values, col.dict.size);
      for (let i = 0; i < n; i++) {
        const v = sliceValue(col, rows ? rows[i]! : i);
        if (v === null) continue;
        acc.count++;
        const id = col.dict.lookup(v);
        if (id !== 0) counts[id]!++;
        else {
          const c = acc.texts.get(v);
          if (c !== undefined) acc.texts.set(v, c + 1);
          else if (acc.texts.size < MAX_NUM_DISTINCT) acc.texts.set(v, 1);
          else acc.numsCapped = true;
        }
      }
      return;
    }
    case "num": {
      const values = col.values;
      for (let i = 0; i < n; i++) {
        const v = values[rows ? rows[i]! : i]!;
        if (Number.isNaN(v)) continue;
        acc.count++;
        addNumber(acc, v);
        if (!acc.numsCapped) {
          const c = acc.nums.get(v);
          if (c !== undefined) acc.nums.set(v, c + 1);
          else if (acc.nums.size < MAX_NUM_DISTINCT) acc.nums.set(v, 1);
          else acc.numsCapped = true;
        }
      }
      return;
    }
  }
}

function addNumber(acc: Acc, v: number, times = 1): void {
  acc.numCount += times;
  if (v < acc.min) acc.min = v;
  if (v > acc.max) acc.max = v;
  acc.sum += v * times;
}

/** The id counter of a field, grown when the shared dictionary grew since it was made. */
function idCounts(acc: Acc, values: string[], size: number): Uint32Array {
  acc.dictValues = values;
  if (!acc.idCounts || acc.idCounts.length < size) {
    const next = new Uint32Array(size);
    if (acc.idCounts) next.set(acc.idCounts);
    acc.idCounts = next;
  }
  return acc.idCounts;
}

function finish(field: string, acc: Acc, total: number, top: number): FieldStat {
  type Entry = { value: string | number; count: number };
  const best: Entry[] = [];
  const consider = (value: string | number, count: number): void => {
    if (best.length === top && count <= best[best.length - 1]!.count) return;
    let i = best.length;
    while (i > 0 && (best[i - 1]!.count < count || (best[i - 1]!.count === count && String(best[i - 1]!.value) > String(value)))) i--;
    best.splice(i, 0, { value, count });
    if (best.length > top) best.pop();
  };
  let distinct = 0;
  let strings = 0;
  if (acc.idCounts && acc.dictValues) {
    const counts = acc.idCounts;
    const values = acc.dictValues;
    for (let id = 1; id < counts.length; id++) {
      const c = counts[id]!;
      if (c === 0) continue;
      distinct++;
      const text = values[id]!;
      const num = Number(text);
      if (text.trim() !== "" && Number.isFinite(num)) addNumber(acc, num, c);
      else strings++;
      consider(text, c);
    }
  }
  for (const [text, c] of acc.texts) {
    distinct++;
    const num = Number(text);
    if (text.trim() !== "" && Number.isFinite(num)) addNumber(acc, num, c);
    else strings++;
    consider(text, c);
  }
  for (const [v, c] of acc.nums) {
    distinct++;
    consider(v, c);
  }
  const type = acc.numCount === 0 ? "string" : strings === 0 ? "number" : "mixed";
  return {
    field,
    type,
    count: acc.count,
    coverage: total === 0 ? 0 : acc.count / total,
    distinct,
    distinctCapped: acc.numsCapped,
    top: best,
    numeric: type === "number" ? { min: acc.min, max: acc.max, avg: acc.sum / acc.numCount } : null,
  };
}
