import { assertNever } from "../../store/dataset.ts";
import type { Dict } from "../../store/dict.ts";
import type { DictColumn } from "../../store/slice.ts";
import type { Scalar } from "../../store/types.ts";
import { textOrder } from "./dict-order.ts";
import { numberOf, textOf } from "./values.ts";

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
export class ValueIndex {
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

  /**
   * Dense value index of each selected row of a column into `out` (-1 where the row has no
   * value). The loops are separate small methods, one per column kind, so each is compiled for
   * one kind of array (one big function over every kind was recompiled again and again in the
   * bench's first runs).
   */
  codesOf(col: DictColumn, rows: Uint32Array, out: Int32Array): void {
    switch (col.kind) {
      case "num":
        return this.numberCodes(col.values, rows, out);
      case "str":
        return this.idCodes(col.ids, col.dict, rows, out);
      case "multi":
        throw new Error("codesOf: multivalue columns are grouped by the general executor");
      default:
        return assertNever(col);
    }
  }

  private numberCodes(values: Float64Array, rows: Uint32Array, out: Int32Array): void {
    // The small-integer table read in the loop (reloaded after a miss, which may grow it).
    let small = this.small;
    for (let i = 0; i < rows.length; i++) {
      const v = values[rows[i]!]!;
      const c = v >= 0 && v < small.length && (v | 0) === v ? small[v]! : 0;
      if (c !== 0) out[i] = c - 1;
      else {
        out[i] = v === v ? this.ofNumber(v) : -1;
        small = this.small;
      }
    }
  }

  private idCodes(ids: ArrayLike<number>, dict: Dict, rows: Uint32Array, out: Int32Array): void {
    const m = this.mapFor(dict);
    for (let i = 0; i < rows.length; i++) {
      const id = ids[rows[i]!]!;
      const c = m[id]!;
      out[i] = c >= 0 ? c : id === 0 ? -1 : this.intern2(m, dict, id);
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
