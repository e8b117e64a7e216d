import type { Aggregation, Pipe } from "../../lang/plan.ts";
import { assertNever, columnOf, type Dataset } from "../../store/dataset.ts";
import type { Dict } from "../../store/dict.ts";
import { dictColumn, type DictColumn } from "../../store/slice.ts";
import type { Scalar, Segment } from "../../store/types.ts";
import { textOrder } from "./dict-order.ts";
import { LatestForm } from "./latest-form.ts";
import type { SegmentPick } from "./picks.ts";
import type { Row, Table } from "./table.ts";
import { columnarTable } from "./columns.ts";
import type { Value } from "../functions/registry.ts";
import { PairIndex } from "./pair-index.ts";
import { fromList, numberOf, textOf } from "./values.ts";

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

/** Value indexes sorted by their dictionary's text order (`order[srcId[i]]`, distinct per dictionary). */
function sortByDictOrder(list: number[], order: Int32Array, srcId: number[]): number[] {
  if (list.length < 1 << 22) {
    // Rank and list position packed in one double (exact below 2^53): a native numeric sort.
    const packed = new Float64Array(list.length);
    for (let j = 0; j < list.length; j++) packed[j] = order[srcId[list[j]!]!]! * 4194304 + j;
    packed.sort();
    return Array.from(packed, (x) => list[x % 4194304]!);
  }
  return list.sort((a, b) => order[srcId[a]!]! - order[srcId[b]!]!);
}

/** Two lists sorted by text, merged (texts distinct). */
function mergeByText(a: number[], b: number[], texts: string[]): number[] {
  const out: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = texts[a[i]!]! < texts[b[j]!]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Integers below this are cached in a typed array by `ValueIndex.ofNumber`. */
const SMALL_NUMBER = 1 << 20;

/** Interns the values of one field across segments: text → dense index, with per-dictionary id maps. */
class ValueIndex {
  readonly values: Scalar[] = [];
  readonly texts: string[] = [];
  private readonly byText = new Map<string, number>();
  private readonly idMaps = new Map<Dict, Int32Array>();

  private intern(text: string, value: Scalar): number {
    let i = this.byText.get(text);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.texts.push(text);
      this.byText.set(text, i);
    }
    return i;
  }

  /** The id → dense index map of a dictionary (-1 = not interned yet); fetched once per segment. */
  mapFor(dict: Dict): Int32Array {
    let m = this.idMaps.get(dict);
    if (!m || m.length < dict.size) {
      const bigger = new Int32Array(dict.size).fill(-1);
      if (m) bigger.set(m);
      m = bigger;
      this.idMaps.set(dict, m);
    }
    return m;
  }

  /** Interns dictionary id `id` into `m` (from `mapFor(dict)`) and returns its dense index. */
  intern2(m: Int32Array, dict: Dict, id: number): number {
    const i = m[id]!;
    if (i >= 0) return i;
    const text = dict.values[id]!;
    const at = this.intern(text, text);
    // The first dictionary a text came from orders it (see `ranks`).
    if (this.srcDict[at] === undefined) {
      this.srcDict[at] = dict;
      this.srcId[at] = id;
    }
    return (m[id] = at);
  }

  /** Per dense index: a dictionary holding its text and the id there (unset for numbers). */
  private readonly srcDict: Array<Dict | undefined> = [];
  private readonly srcId: number[] = [];

  private readonly byNumber = new Map<number, number>();
  /** Dense index + 1 of small non-negative integers (ports, pids, codes), 0 = not seen: no Map per row. */
  private small = new Int32Array(0);

  /** Dense index of a number from a numeric column (cached by value: formatting per event was a hot spot in the bench). */
  ofNumber(v: number): number {
    if (v >= 0 && v < SMALL_NUMBER && (v | 0) === v) {
      // -0 lands on cell 0 as it shares 0's Map entry: the first seen of the two names both.
      if (v >= this.small.length) {
        const bigger = new Int32Array(Math.min(SMALL_NUMBER, Math.max(v + 1, this.small.length * 2, 1024)));
        bigger.set(this.small);
        this.small = bigger;
      }
      const c = this.small[v]!;
      if (c !== 0) return c - 1;
      const i = this.numberIndex(v);
      this.small[v] = i + 1;
      return i;
    }
    return this.numberIndex(v);
  }

  private numberIndex(v: number): number {
    let i = this.byNumber.get(v);
    if (i === undefined) this.byNumber.set(v, (i = this.intern(textOf(v), v)));
    return i;
  }

  /** Dense value index of each selected row of a column into `out` (-1 where the row has no value). */
  codesOf(col: DictColumn, rows: Uint32Array, out: Int32Array): void {
    const n = rows.length;
    switch (col.kind) {
      case "num": {
        const values = col.values;
        // The small-integer table read in the loop (reloaded after a miss, which may grow it).
        let small = this.small;
        for (let i = 0; i < n; i++) {
          const v = values[rows[i]!]!;
          const c = v >= 0 && v < small.length && (v | 0) === v ? small[v]! : 0;
          if (c !== 0) out[i] = c - 1;
          else {
            out[i] = v === v ? this.ofNumber(v) : -1;
            small = this.small;
          }
        }
        return;
      }
      case "str": {
        const m = this.mapFor(col.dict);
        const ids = col.ids;
        for (let i = 0; i < n; i++) {
          const id = ids[rows[i]!]!;
          const c = m[id]!;
          out[i] = c >= 0 ? c : id === 0 ? -1 : this.intern2(m, col.dict, id);
        }
        return;
      }
      case "multi":
        throw new Error("codesOf: multivalue columns are grouped by the general executor");
      default:
        return assertNever(col);
    }
  }

  /** Rank of each dense index in Splunk order (equal-comparing values share a rank). */
  ranks(): Int32Array {
    // compareScalarsSpl with each value's number parsed once: numbers first by value (equal
    // numbers share a rank), then texts in code-unit order. Texts are distinct (values are
    // interned by text); those from a dictionary are ordered by its cached order (dict-order.ts:
    // string sorts of 17 000 source IPs were a third of the bench's two-key stats), and the
    // lists of several dictionaries are merged with string comparisons.
    const n = this.values.length;
    const num = new Float64Array(n);
    const numeric: number[] = [];
    const byDict = new Map<Dict, number[]>();
    const loose: number[] = [];
    for (let i = 0; i < n; i++) {
      const value = this.values[i]!;
      const d = this.srcDict[i];
      // A dictionary's texts are parsed once and cached (Dict.numbers); numberOf also trims, so
      // the cache stands in only for texts without spaces at either end.
      const x = typeof value === "string" && d && value.trim() === value ? d.numbers()[this.srcId[i]!]! : (numberOf(value) ?? Number.NaN);
      num[i] = x;
      if (x === x) numeric.push(i);
      else {
        const d = this.srcDict[i];
        if (!d) loose.push(i);
        else {
          const list = byDict.get(d);
          if (list) list.push(i);
          else byDict.set(d, [i]);
        }
      }
    }
    numeric.sort((a, b) => num[a]! - num[b]!);
    const rank = new Int32Array(n);
    let r = -1;
    for (let j = 0; j < numeric.length; j++) {
      if (j === 0 || num[numeric[j]!] !== num[numeric[j - 1]!]) r++;
      rank[numeric[j]!] = r;
    }
    const texts = this.texts;
    const lists: number[][] = [];
    for (const [dict, list] of byDict) lists.push(sortByDictOrder(list, textOrder(dict), this.srcId));
    if (loose.length) lists.push(loose.sort((a, b) => (texts[a]! < texts[b]! ? -1 : 1)));
    let merged = lists[0] ?? [];
    for (let l = 1; l < lists.length; l++) merged = mergeByText(merged, lists[l]!, texts);
    for (let j = 0; j < merged.length; j++) rank[merged[j]!] = r + 1 + j;
    return rank;
  }
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
  const cap = 1024;
  let groups = 0;
  let groupKeys: Int32Array[] = p.by.map(() => new Int32Array(cap));
  const nBy = p.by.length;
  // Groups are numbered in first-seen order (ties of the final sort keep that order, as the
  // general executor's): one key maps its value index straight to a group, two keys probe one
  // pair table, more chain pair tables level by level.
  let groupOfValue = new Int32Array(cap).fill(-1);
  const pairs = new PairIndex();
  const levels = p.by.map(() => new PairIndex());
  const states: AggState[] = p.aggregations.map((agg) => ({
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
  }));
  const grow = (n: number) => {
    if (n < groupKeys[0]!.length) return;
    const size = groupKeys[0]!.length * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array, fill: number) => {
      const b = new Float64Array(size).fill(fill);
      b.set(a);
      return b;
    };
    groupKeys = groupKeys.map(g32);
    for (const s of states) {
      s.count = g64(s.count, 0);
      s.sum = g64(s.sum, 0);
      s.nums = g64(s.nums, 0);
      s.min = g64(s.min, Infinity);
      s.max = g64(s.max, -Infinity);
      const b = new Uint8Array(size).fill(1);
      b.set(s.allNumeric);
      s.allNumeric = b;
    }
  };
  /** Records group `g` (just numbered) with the keys of row position i. */
  const newGroup = (codes: Int32Array[], i: number): void => {
    grow(groups);
    for (let k = 0; k < nBy; k++) groupKeys[k]![groups] = codes[k]![i]!;
    groups++;
  };
  const onlyCount = states.length === 1 && !states[0]!.agg.arg;
  let codes: Int32Array[] = p.by.map(() => new Int32Array(0));
  let groupOf = new Int32Array(0);
  const key = new Int32Array(nBy);
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
    if (groupOf.length < n) {
      groupOf = new Int32Array(Math.max(n, groupOf.length * 2));
      codes = codes.map(() => new Int32Array(groupOf.length));
    }
    for (let k = 0; k < nBy; k++) byIndex[k]!.codesOf(byCols[k]!, rows, codes[k]!);
    // Group of each row (-1: a key is missing).
    if (nBy === 1) {
      const c0 = codes[0]!;
      if (groupOfValue.length < byIndex[0]!.values.length) {
        const bigger = new Int32Array(Math.max(byIndex[0]!.values.length, groupOfValue.length * 2)).fill(-1);
        bigger.set(groupOfValue);
        groupOfValue = bigger;
      }
      for (let i = 0; i < n; i++) {
        const v = c0[i]!;
        if (v < 0) {
          groupOf[i] = -1;
          continue;
        }
        let g = groupOfValue[v]!;
        if (g < 0) {
          g = groupOfValue[v] = groups;
          newGroup(codes, i);
        }
        groupOf[i] = g;
      }
    } else if (nBy === 2) {
      const c0 = codes[0]!;
      const c1 = codes[1]!;
      let la = -1;
      let lb = -1;
      let lg = -1;
      // `stats count by A, B`: the count is kept here, saving a pass over the rows.
      const counted = onlyCount ? states[0]! : null;
      for (let i = 0; i < n; i++) {
        const a = c0[i]!;
        const b = c1[i]!;
        if (a < 0 || b < 0) {
          groupOf[i] = -1;
          continue;
        }
        // Neighbouring rows often share their keys (one flow, one host): skip the probe.
        if (a !== la || b !== lb) {
          lg = pairs.intern(a, b);
          if (lg === groups) newGroup(codes, i);
          la = a;
          lb = b;
        }
        groupOf[i] = lg;
        if (counted) counted.count[lg]!++;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let missing = false;
        for (let k = 0; k < nBy; k++) {
          const v = codes[k]![i]!;
          if (v < 0) {
            missing = true;
            break;
          }
          key[k] = v;
        }
        if (missing) {
          groupOf[i] = -1;
          continue;
        }
        let g = 0;
        for (let k = 0; k < nBy; k++) g = levels[k]!.intern(g, key[k]!);
        // The last level numbers groups in first-seen order, as `groups` counts them.
        if (g === groups) newGroup(codes, i);
        groupOf[i] = g;
      }
    }
    forms?.add(seg, rows, groupOf, groups, byCols);
    for (let a = 0; a < states.length; a++) if (!(onlyCount && nBy === 2)) aggregateRows(states[a]!, seg, rows, groupOf);
  }
  const keyOfGroup = (g: number) =>
    p.by.map((_, k) => {
      const ix = byIndex[k]!;
      const code = groupKeys[k]![g]!;
      return forms?.has(k) ? forms.value(k, g, ix.texts[code]!) : ix.values[code]!;
    });
  // Same order as compareKeys over the key scalars, but each distinct value is compared once
  // (ranks) instead of parsing both texts as numbers on every comparison (bench: 2-key stats at 1M).
  const order = sortGroups(groups, groupKeys, byIndex.map((ix) => ix.ranks()));
  const fields = [...p.by, ...p.aggregations.map((a) => a.as).filter((f) => !p.by.includes(f))];
  const names = [...p.by, ...p.aggregations.map((a) => a.as)];
  if (new Set(names).size === names.length) {
    // The result as columns (see columns.ts): rows are built only when read. Names repeat only
    // when an aggregation is named like a BY field (its value then replaces the key's in a row):
    // that case keeps building rows below.
    const byCols: Value[][] = p.by.map(() => new Array<Value>(groups));
    for (let j = 0; j < groups; j++) {
      const key = keyOfGroup(order[j]!);
      for (let k = 0; k < nBy; k++) byCols[k]![j] = key[k]!;
    }
    const aggCols = states.map((st) => resultColumn(st, order));
    return columnarTable(fields, [...byCols, ...aggCols], groups);
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

