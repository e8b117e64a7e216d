import type { Aggregation, Pipe } from "../../lang/plan.ts";
import { columnOf, type Dataset } from "../../store/dataset.ts";
import { dictColumn } from "../../store/slice.ts";
import type { Scalar, Segment } from "../../store/types.ts";
import { LatestForm } from "./latest-form.ts";
import type { SegmentPick } from "./picks.ts";
import type { Row, Table } from "./table.ts";
import { columnarTable } from "./columns.ts";
import type { Value } from "../functions/registry.ts";
import { Groups } from "./groups.ts";
import { SCRATCH, scratchInt32 } from "./scratch.ts";
import { fromList } from "./values.ts";
import { ValueIndex } from "./value-index.ts";

type StatsPipe = Extract<Pipe, { kind: "stats" }>;

const COLUMN_AGGS = new Set(["count", "dc", "sum", "avg", "min", "max", "values"]);
const TIME_AGGS = new Set(["min", "max", "earliest", "latest"]);

/** Whether `stats` can run over columns: plain BY fields and aggregations of plain fields. */
export function columnarStatsEligible(p: Pipe): p is StatsPipe {
  if (p.kind !== "stats" || p.mode !== "stats" || p.by.length === 0 || p.by.length > 4) return false;
  if (p.by.some((f) => f === "_time" || f === "_raw")) return false;
  return p.aggregations.every((a) => {
    if (!a.arg) return a.fn === "count";
    if (a.arg.kind !== "field" || a.arg.name === "_raw") return false;
    return a.arg.name === "_time" ? TIME_AGGS.has(a.fn) : COLUMN_AGGS.has(a.fn);
  });
}

interface AggState {
  agg: Aggregation;
  index: ValueIndex | null;
  count: Float64Array;
  sum: Float64Array;
  nums: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Per group: distinct value indexes (dc, values, text min/max). */
  sets: Array<Set<number> | undefined>;
  allNumeric: Uint8Array;
  /** dc, values and text min/max need the distinct values of each group. */
  keepSet: boolean;
}

/**
 * `stats <aggs> by F1 [F2...]` straight over the selection, segment by segment: each BY column
 * becomes an array of dense value indexes for the selected rows (dictionary ids are interned once
 * per distinct value), the rows' group ids are found from those (one pair hash probe per row for
 * two keys, a direct table for one), and each aggregation is a loop over the rows and their group
 * ids into typed arrays. Returns null when a BY field is multivalued (the general executor fans
 * those out). Results equal the general executor's (tested).
 */
export function columnarStats(ds: Dataset, picks: SegmentPick[], p: StatsPipe): Table | null {
  const byIndex = p.by.map(() => new ValueIndex());
  const nBy = p.by.length;
  const groups = new Groups(nBy);
  const states: AggState[] = p.aggregations.map((agg) => newState(agg, 1024));
  const colsOfPick = picks.map(({ seg }) => p.by.map((f) => dictColumn(columnOf(ds.segments[seg]!, f))));
  const forms = LatestForm.of(colsOfPick, nBy);
  for (let pi = 0; pi < picks.length; pi++) {
    const { seg: s, rows } = picks[pi]!;
    const seg = ds.segments[s]!;
    const n = rows.length;
    const byCols = colsOfPick[pi]!;
    if (byCols.some((c) => c?.kind === "multi" || (c?.kind === "str" && c.boolean))) return null;
    // A BY field the segment lacks: none of its events has every key.
    if (byCols.some((c) => !c)) continue;
    // Each array has its own length: ask for every one (a lookup when it is big enough).
    const groupOf = scratchInt32(SCRATCH.groupOf, n);
    const codes = p.by.map((_, k) => scratchInt32(SCRATCH.codes0 + k, n));
    for (let k = 0; k < nBy; k++) byIndex[k]!.codesOf(byCols[k]!, rows, codes[k]!);
    groups.assign(codes, n, groupOf, byIndex[0]!.values.length);
    for (const st of states) growState(st, groups.count);
    forms?.add(seg, rows, groupOf, groups.count, byCols);
    for (const st of states) aggregateRows(st, seg, rows, groupOf);
  }
  const groupKeys = groups.keys;
  const keyOfGroup = (g: number) =>
    p.by.map((_, k) => {
      const ix = byIndex[k]!;
      const code = groupKeys[k]![g]!;
      return forms?.has(k) ? forms.value(k, g, ix.texts[code]!) : ix.values[code]!;
    });
  // Same order as compareKeys over the key scalars, but each distinct value is compared once
  // (ranks) instead of parsing both texts as numbers on every comparison (bench: 2-key stats at 1M).
  const order = sortGroups(groups.count, groupKeys, byIndex.map((ix) => ix.ranks()));
  const count = groups.count;
  const fields = [...p.by, ...p.aggregations.map((a) => a.as).filter((f) => !p.by.includes(f))];
  const names = [...p.by, ...p.aggregations.map((a) => a.as)];
  if (new Set(names).size === names.length) {
    // The result as columns (see columns.ts): rows are built only when read. Names repeat only
    // when an aggregation is named like a BY field (its value then replaces the key's in a row):
    // that case keeps building rows below.
    const byCols: Value[][] = p.by.map(() => new Array<Value>(count));
    for (let j = 0; j < count; j++) {
      const key = keyOfGroup(order[j]!);
      for (let k = 0; k < nBy; k++) byCols[k]![j] = key[k]!;
    }
    const aggCols = states.map((st) => resultColumn(st, order));
    return columnarTable(fields, [...byCols, ...aggCols], count);
  }
  const rows: Row[] = order.map((g) => {
    const row: Row = {};
    const key = keyOfGroup(g);
    for (let k = 0; k < nBy; k++) row[p.by[k]!] = key[k]!;
    for (const st of states) {
      const v = result(st, g);
      if (v !== null) row[st.agg.as] = v;
    }
    return row;
  });
  return { rows, fields };
}

function newState(agg: Aggregation, cap: number): AggState {
  return {
    agg,
    index: agg.arg && agg.arg.kind === "field" && agg.arg.name !== "_time" ? new ValueIndex() : null,
    count: new Float64Array(cap),
    sum: new Float64Array(cap),
    nums: new Float64Array(cap),
    min: new Float64Array(cap).fill(Infinity),
    max: new Float64Array(cap).fill(-Infinity),
    sets: [],
    allNumeric: new Uint8Array(cap).fill(1),
    keepSet: agg.fn === "dc" || agg.fn === "values" || agg.fn === "min" || agg.fn === "max",
  };
}

/** Makes room in an aggregation's arrays for `groups` groups (doubling). */
function growState(st: AggState, groups: number): void {
  if (groups <= st.count.length) return;
  let size = st.count.length * 2;
  while (size < groups) size *= 2;
  const g64 = (a: Float64Array, fill: number) => {
    const b = new Float64Array(size).fill(fill);
    b.set(a);
    return b;
  };
  st.count = g64(st.count, 0);
  st.sum = g64(st.sum, 0);
  st.nums = g64(st.nums, 0);
  st.min = g64(st.min, Infinity);
  st.max = g64(st.max, -Infinity);
  const b = new Uint8Array(size).fill(1);
  b.set(st.allNumeric);
  st.allNumeric = b;
}

/** One aggregation's results in group order: a Float64Array when they are all numbers, else values (null = no value). */
function resultColumn(st: AggState, order: number[]): Float64Array | Value[] {
  const n = order.length;
  if (!st.agg.arg) {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = st.count[order[j]!]!;
    return out;
  }
  const values: Value[] = new Array<Value>(n);
  let numeric = true;
  for (let j = 0; j < n; j++) {
    const v = result(st, order[j]!);
    values[j] = v;
    if (typeof v !== "number") numeric = false;
  }
  if (!numeric) return values;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = values[j] as number;
  return out;
}

/**
 * Group numbers in the order of their keys' ranks, ties by group number (a stable sort). When the
 * ranks and the group number fit in one double together, one native numeric sort of packed keys;
 * otherwise a comparator sort.
 */
function sortGroups(groups: number, groupKeys: Int32Array[], ranks: Int32Array[]): number[] {
  let span = groups;
  const widths = ranks.map((r) => {
    let max = 0;
    for (let i = 0; i < r.length; i++) if (r[i]! > max) max = r[i]!;
    return max + 1;
  });
  for (const w of widths) span *= w;
  if (span < 2 ** 53) {
    const packed = new Float64Array(groups);
    for (let g = 0; g < groups; g++) {
      let x = 0;
      for (let k = 0; k < ranks.length; k++) x = x * widths[k]! + ranks[k]![groupKeys[k]![g]!]!;
      packed[g] = x * groups + g;
    }
    packed.sort();
    return Array.from(packed, (x) => x % groups);
  }
  const order = Array.from({ length: groups }, (_, i) => i);
  return order.sort((a, b) => {
    for (let k = 0; k < ranks.length; k++) {
      const d = ranks[k]![groupKeys[k]![a]!]! - ranks[k]![groupKeys[k]![b]!]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
}

/** Adds the selected rows of one segment (group ids in `groupOf`, -1 = not grouped) to an aggregation. */
function aggregateRows(st: AggState, seg: Segment, rows: Uint32Array, groupOf: Int32Array): void {
  const n = rows.length;
  const arg = st.agg.arg;
  if (!arg) {
    const count = st.count;
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]!;
      if (g >= 0) count[g]!++;
    }
    return;
  }
  if (arg.kind === "field" && arg.name === "_time") {
    const time = seg.time;
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]!;
      if (g < 0) continue;
      const t = time[rows[i]!]!;
      if (Number.isNaN(t)) continue;
      if (t < st.min[g]!) st.min[g] = t;
      if (t > st.max[g]!) st.max[g] = t;
    }
    return;
  }
  const c = arg.kind === "field" ? dictColumn(columnOf(seg, arg.name)) : undefined;
  if (!c) return;
  const index = st.index!;
  if (c.kind === "num") {
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]!;
      if (g < 0) continue;
      const v = c.values[rows[i]!]!;
      if (!Number.isNaN(v)) addValue(st, g, index.ofNumber(v), v);
    }
    return;
  }
  const m = index.mapFor(c.dict);
  const nums = c.dict.numbers();
  if (c.kind === "str") {
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]!;
      if (g < 0) continue;
      const id = c.ids[rows[i]!]!;
      if (id !== 0) addValue(st, g, index.intern2(m, c.dict, id), nums[id]!);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const g = groupOf[i]!;
    if (g < 0) continue;
    const r = rows[i]!;
    for (let j = c.offsets[r]!; j < c.offsets[r + 1]!; j++) addValue(st, g, index.intern2(m, c.dict, c.ids[j]!), nums[c.ids[j]!]!);
  }
}

/** Adds one value (dense index `idx`, numeric value `n` or NaN) of group `g` to an aggregation. */
function addValue(st: AggState, g: number, idx: number, n: number): void {
  st.count[g]!++;
  if (st.keepSet) {
    let set = st.sets[g];
    if (!set) st.sets[g] = set = new Set();
    set.add(idx);
  }
  if (Number.isNaN(n)) {
    st.allNumeric[g] = 0;
    return;
  }
  st.sum[g]! += n;
  st.nums[g]!++;
  if (n < st.min[g]!) st.min[g] = n;
  if (n > st.max[g]!) st.max[g] = n;
}

function result(st: AggState, g: number): Scalar | Scalar[] | null {
  const fn = st.agg.fn;
  const arg = st.agg.arg;
  if (arg && arg.kind === "field" && arg.name === "_time") {
    const t = fn === "min" || fn === "earliest" ? st.min[g]! : st.max[g]!;
    return Number.isFinite(t) ? t / 1000 : null;
  }
  switch (fn) {
    case "count":
      return st.count[g]!;
    case "dc":
      return st.sets[g]?.size ?? 0;
    case "sum":
      return st.nums[g]! > 0 ? st.sum[g]! : null;
    case "avg":
      return st.nums[g]! > 0 ? st.sum[g]! / st.nums[g]! : null;
    case "min":
    case "max": {
      if (st.count[g] === 0) return null;
      if (st.allNumeric[g]) return fn === "min" ? st.min[g]! : st.max[g]!;
      const texts = [...st.sets[g]!].map((i) => st.index!.texts[i]!).sort();
      return fn === "min" ? texts[0]! : texts[texts.length - 1]!;
    }
    case "values": {
      const set = st.sets[g];
      if (!set) return null;
      return fromList([...set].map((i) => st.index!.texts[i]!).sort());
    }
    default:
      return null;
  }
}

