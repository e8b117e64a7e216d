import type { Aggregation, Pipe } from "../../lang/plan.ts";
import { columnOf, type Dataset } from "../../store/dataset.ts";
import type { Dict } from "../../store/dict.ts";
import { dictColumn, type DictColumn } from "../../store/slice.ts";
import type { Column, Scalar } from "../../store/types.ts";
import type { EventList } from "../event-list.ts";
import type { Row, Table } from "./table.ts";
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
    return (m[id] = this.intern(text, text));
  }

  private readonly byNumber = new Map<number, number>();

  /** Dense index of a number from a numeric column (cached by value: formatting per event was a hot spot in the bench). */
  ofNumber(v: number): number {
    let i = this.byNumber.get(v);
    if (i === undefined) this.byNumber.set(v, (i = this.intern(textOf(v), v)));
    return i;
  }

  /** Rank of each dense index in Splunk order (equal-comparing values share a rank). */
  ranks(): Int32Array {
    // compareScalarsSpl with each value's number parsed once: numbers first by value, then texts.
    const texts = this.texts;
    const num = this.values.map((v) => numberOf(v) ?? Number.NaN);
    const cmp = (a: number, b: number): number => {
      const x = num[a]!;
      const y = num[b]!;
      if (x === x && y === y) return x - y;
      if (x === x) return -1;
      if (y === y) return 1;
      return texts[a]! < texts[b]! ? -1 : texts[a]! > texts[b]! ? 1 : 0;
    };
    const idx = this.values.map((_, i) => i);
    idx.sort(cmp);
    const rank = new Int32Array(idx.length);
    for (let j = 0, r = 0; j < idx.length; j++) {
      if (j > 0 && cmp(idx[j - 1]!, idx[j]!) !== 0) r++;
      rank[idx[j]!] = r;
    }
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
 * `stats <aggs> by F1 [F2...]` straight over the selection: BY values and aggregated fields are
 * read through dictionary ids (interned once per distinct value), groups are dense integers and
 * the aggregates live in typed arrays. Returns null when a BY field is multivalued (the general
 * executor fans those out). Results equal the general executor's (tested).
 */
export function columnarStats(ds: Dataset, list: EventList, p: StatsPipe): Table | null {
  const byIndex = p.by.map(() => new ValueIndex());
  const cap = 1024;
  let groups = 0;
  let groupKeys: Int32Array[] = p.by.map(() => new Int32Array(cap));
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
  let segIndex = -1;
  let byCols: Array<DictColumn | undefined> = [];
  let argCols: Array<DictColumn | undefined> = [];
  let byMaps: Array<Int32Array | null> = [];
  let argMaps: Array<Int32Array | null> = [];
  let argNums: Array<Float64Array | null> = [];
  let time: Float64Array = new Float64Array(0);
  const key = new Int32Array(p.by.length);
  const lastKey = new Int32Array(p.by.length);
  let lastGroup = -1;
  for (let i = 0; i < list.length; i++) {
    const s = list.seg[i]!;
    if (s !== segIndex) {
      segIndex = s;
      const seg = ds.segments[s]!;
      byCols = p.by.map((f) => dictColumn(columnOf(seg, f)));
      byMaps = byCols.map((c, k) => (c && c.kind !== "num" ? byIndex[k]!.mapFor(c.dict) : null));
      if (byCols.some((c) => c?.kind === "multi" || (c?.kind === "str" && c.boolean))) return null;
      argCols = states.map((st) => (st.agg.arg && st.agg.arg.kind === "field" && st.agg.arg.name !== "_time" ? dictColumn(columnOf(seg, st.agg.arg.name)) : undefined));
      argMaps = argCols.map((c, a) => (c && c.kind !== "num" ? states[a]!.index!.mapFor(c.dict) : null));
      argNums = argCols.map((c) => (c && c.kind !== "num" ? c.dict.numbers() : null));
      time = seg.time;
    }
    const r = list.row[i]!;
    let missing = false;
    for (let k = 0; k < byCols.length; k++) {
      const c = byCols[k];
      if (!c) {
        missing = true;
        break;
      }
      if (c.kind === "str") {
        const id = c.ids[r]!;
        if (id === 0) {
          missing = true;
          break;
        }
        key[k] = byIndex[k]!.intern2(byMaps[k]!, c.dict, id);
      } else if (c.kind === "num") {
        const v = c.values[r]!;
        if (Number.isNaN(v)) {
          missing = true;
          break;
        }
        key[k] = byIndex[k]!.ofNumber(v);
      }
    }
    if (missing) continue;
    // Group id, level by level: (previous group, value index) → next dense id; the last
    // (row → group) lookup is skipped when the row has the same key as the previous one.
    let g = key[0]!;
    if (lastGroup >= 0 && sameKey(key, lastKey)) g = lastGroup;
    else {
    g = 0;
    const last = key.length - 1;
    for (let k = 0; k <= last; k++) g = levels[k]!.intern(g, key[k]!);
    // The last level numbers groups in first-seen order, as `groups` counts them.
    if (g === groups) {
      grow(groups);
      groups++;
      for (let j = 0; j <= last; j++) groupKeys[j]![g] = key[j]!;
    }
    lastGroup = g;
    lastKey.set(key);
    }
    for (let a = 0; a < states.length; a++) {
      const st = states[a]!;
      const arg = st.agg.arg;
      if (!arg) {
        st.count[g]!++;
        continue;
      }
      if (arg.kind === "field" && arg.name === "_time") {
        const t = time[r]!;
        if (Number.isNaN(t)) continue;
        if (t < st.min[g]!) st.min[g] = t;
        if (t > st.max[g]!) st.max[g] = t;
        continue;
      }
      const c = argCols[a];
      if (!c) continue;
      if (c.kind === "str") {
        const id = c.ids[r]!;
        if (id !== 0) addValue(st, g, st.index!.intern2(argMaps[a]!, c.dict, id), argNums[a]![id]!);
      } else if (c.kind === "num") {
        const v = c.values[r]!;
        if (!Number.isNaN(v)) addValue(st, g, st.index!.ofNumber(v), v);
      } else {
        const nums = argNums[a]!;
        for (let j = c.offsets[r]!; j < c.offsets[r + 1]!; j++) addValue(st, g, st.index!.intern2(argMaps[a]!, c.dict, c.ids[j]!), nums[c.ids[j]!]!);
      }
    }
  }
  const order = Array.from({ length: groups }, (_, i) => i);
  const keyOfGroup = (g: number) => p.by.map((_, k) => byIndex[k]!.values[groupKeys[k]![g]!]!);
  const keys = order.map(keyOfGroup);
  // Same order as compareKeys over the key scalars, but each distinct value is compared once
  // (ranks) instead of parsing both texts as numbers on every comparison (bench: 2-key stats at 1M).
  const ranks = byIndex.map((ix) => ix.ranks());
  order.sort((a, b) => {
    for (let k = 0; k < ranks.length; k++) {
      const d = ranks[k]![groupKeys[k]![a]!]! - ranks[k]![groupKeys[k]![b]!]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  const rows: Row[] = order.map((g) => {
    const row: Row = {};
    p.by.forEach((f, k) => (row[f] = keys[g]![k]!));
    for (const st of states) {
      const v = result(st, g);
      if (v !== null) row[st.agg.as] = v;
    }
    return row;
  });
  return { rows, fields: [...p.by, ...p.aggregations.map((a) => a.as).filter((f) => !p.by.includes(f))] };
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

function sameKey(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

