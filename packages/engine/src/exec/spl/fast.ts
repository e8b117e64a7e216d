import type { Pipe } from "../../lang/plan.ts";
import { columnOf, type Dataset } from "../../store/dataset.ts";
import type { Dict } from "../../store/dict.ts";
import { dictColumn } from "../../store/slice.ts";
import type { Scalar } from "../../store/types.ts";
import type { SegmentPick } from "./picks.ts";
import type { Row, Table } from "./table.ts";
import { compareScalarsSpl } from "./values.ts";

export { tryFastTimechart } from "./fast-timechart.ts";

/**
 * The fast path for the aggregation analysts run most, `stats count by F`, straight over the
 * selection segment by segment: counts per dictionary id in one typed array per dictionary,
 * merged by text at the end, so no row objects are built. It produces exactly what the general
 * executor would (a test runs both and compares).
 */
export function tryFastAggregate(ds: Dataset, picks: SegmentPick[], pipe: Pipe | undefined): Table | null {
  if (!pipe) return null;
  if (pipe.kind === "stats" && pipe.mode === "stats" && pipe.by.length === 1 && pipe.by[0] !== "_time" && pipe.aggregations.every((a) => a.fn === "count" && !a.arg)) {
    const counts = countBy(ds, picks, pipe.by[0]!);
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

/** Positive integers counted by index below this bound (ports, pids, codes); others go through a Map. */
const SMALL_INT = 1 << 16;

/**
 * Counts the selected events per value of `field` (multivalue: each value) with one typed-array
 * cell per dictionary id; segments without the field cost nothing.
 */
function countBy(ds: Dataset, picks: SegmentPick[], field: string): Map<string, Count> | null {
  // A field stored as numbers in some segments and text in others takes, per value, the form of
  // its latest event in the general executor: the columnar executor tracks that (latest-form.ts).
  let num = false;
  let text = false;
  for (const { seg } of picks) {
    const c = columnOf(ds.segments[seg]!, field);
    if (c?.kind === "num") num = true;
    else if (c) text = true;
  }
  if (num && text) return null;
  const perDict = new Map<Dict, Float64Array>();
  const nums = new Map<number, number>();
  let small: Float64Array | null = null;
  for (const { seg: s, rows } of picks) {
    const stored = columnOf(ds.segments[s]!, field);
    if (!stored) continue;
    const col = dictColumn(stored)!;
    // Boolean columns group as true/false values in the general executor: leave them to it.
    if (col.kind === "str" && col.boolean) return null;
    if (col.kind === "num") {
      small ??= new Float64Array(SMALL_INT);
      countNumbers(col.values, rows, small, nums);
      continue;
    }
    const table = tableFor(perDict, col.dict);
    // Small loops of their own per column kind (compiled once each; see columnar-stats).
    if (col.kind === "str") countIds(col.ids, rows, table);
    else countMulti(col.offsets, col.ids, rows, table);
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
  const addNumber = (v: number, n: number): void => {
    const k = String(v);
    const prev = out.get(k);
    if (prev) prev.n += n;
    else out.set(k, { value: v, n });
  };
  // Numbers never compare equal to each other, so their insertion order cannot break a sort tie.
  if (small) for (let v = 0; v < SMALL_INT; v++) if (small[v]! > 0) addNumber(v, small[v]!);
  for (const [v, n] of nums) addNumber(v, n);
  return out;
}

/** The count table of a dictionary, grown to its size. */
function tableFor(perDict: Map<Dict, Float64Array>, dict: Dict): Float64Array {
  let table = perDict.get(dict);
  if (!table || table.length < dict.size) {
    const bigger = new Float64Array(dict.size);
    if (table) bigger.set(table);
    table = bigger;
    perDict.set(dict, table);
  }
  return table;
}

/** table[id]++ per row; id 0 (absent) counts into cell 0, which is never read. */
function countIds(ids: ArrayLike<number>, rows: Uint32Array, table: Float64Array): void {
  for (let i = 0; i < rows.length; i++) table[ids[rows[i]!]!]!++;
}

function countMulti(offsets: Uint32Array, ids: Uint32Array, rows: Uint32Array, table: Float64Array): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let j = offsets[r]!; j < offsets[r + 1]!; j++) table[ids[j]!]!++;
  }
}

/**
 * Integers in [1, 2^16) count by index; NaN (absent), other numbers and zero (0 and -0 share a
 * key, and the first seen gives its value) go through the Map.
 */
function countNumbers(values: Float64Array, rows: Uint32Array, small: Float64Array, nums: Map<number, number>): void {
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]!]!;
    if (v > 0 && v < SMALL_INT && (v | 0) === v) small[v]!++;
    else if (v === v) nums.set(v, (nums.get(v) ?? 0) + 1);
  }
}
