/**
 * Join keys for sequences and samples: the values of a stage's key expressions for one event,
 * interned to dense integer ids so per-key state lives in typed arrays. A number and its decimal
 * text are one key (a pid stored as 2012 in one file and "2012" in another joins). As in
 * Elasticsearch, a multi-value key field makes the event take part under each of its distinct
 * values (sorted; several multi-value keys give their cartesian product), and a missing key value
 * joins (as null) only when the key is an optional field (`?field`); otherwise the event is skipped.
 */
import { columnOf, type Dataset } from "../store/dataset.ts";
import { sliceValue } from "../store/slice.ts";
import type { Scalar, Segment } from "../store/types.ts";
import type { Expr } from "../lang/plan.ts";
import { evalExpr, type EvalOptions } from "./expr.ts";
import { rowReader } from "./filter.ts";
import { parseDatePattern, segmentDateFormat } from "./mapping.ts";

const SMALL_LIMIT = 1 << 22;

/** Key id for "the event has no usable key". */
export const NULL_KEY = -1;

/** One key id, or several for multi-value keys. */
export type KeyIds = number | number[];

/** Interns key tuples to ids 0, 1, 2… and remembers each id's values. */
export class KeyInterner {
  private readonly ids = new Map<string | number, number>();
  /** Small non-negative integer keys (pids, ports) → id + 1, without hashing. */
  private small = new Int32Array(0);
  readonly values: Scalar[][] = [];

  /** The id of a single numeric key value. */
  internNumber(v: number): number {
    if (v >= 0 && v < SMALL_LIMIT && Number.isInteger(v)) {
      if (v >= this.small.length) {
        const grown = new Int32Array(Math.min(SMALL_LIMIT, Math.max(v + 1, this.small.length * 2, 1024)));
        grown.set(this.small);
        this.small = grown;
      }
      const id = this.small[v]!;
      if (id !== 0) return id - 1;
      const nid = this.intern(v, v);
      this.small[v] = nid + 1;
      return nid;
    }
    return this.intern(v, v);
  }

  get size(): number {
    return this.values.length;
  }

  /** The id of a key tuple (added when new); `values` is the tuple, or its single value. */
  intern(token: string | number, values: Scalar[] | Scalar): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(token, id);
      this.values.push(Array.isArray(values) ? values : [values]);
    }
    return id;
  }
}

function dateKey(v: string, format: string): Scalar {
  const t = parseDatePattern(v, format);
  return Number.isNaN(t) ? normValue(v) : t;
}

/** Normalises a key value: numeric text becomes its number. */
function normValue(v: Scalar): Scalar {
  if (typeof v === "string") {
    const t = v.trim();
    if (t !== "" && /^[+-]?\d+(\.\d+)?$/.test(t)) return Number(t);
  }
  return v;
}

function tokenOf(vals: Scalar[]): string | number {
  if (vals.length === 1) {
    const v = vals[0]!;
    return v === null ? "\u0000null" : typeof v === "number" ? v : "s" + String(v);
  }
  return JSON.stringify(vals);
}

function sortValues(vs: Scalar[]): Scalar[] {
  const uniq = [...new Set(vs.filter((v) => v !== null))];
  return uniq.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

const isOptional = (e: Expr): boolean => e.kind === "field" && e.optional === true;

/**
 * A function giving the key id(s) of (segment, row) for one stage's key expressions, or NULL_KEY.
 * With no keys every event has key 0. `nullKeys` lets missing values join even for non-optional keys.
 */
export function keyFunction(ds: Dataset, keys: Expr[], interner: KeyInterner, opts: EvalOptions | undefined, nullKeys = false): (seg: number, row: number) => KeyIds {
  if (keys.length === 0) {
    const id = interner.intern("", []);
    return () => id;
  }
  if (keys.length === 1 && keys[0]!.kind === "field" && keys[0].index === undefined && keys[0].event === undefined) {
    const name = keys[0].name;
    const allowNull = nullKeys || isOptional(keys[0]);
    const perSeg = ds.segments.map((s) => singleFieldKey(s, name, interner, allowNull));
    return (seg, row) => perSeg[seg]!(row);
  }
  const readers = ds.segments.map((s) => rowReader(s));
  const allowNull = keys.map((k) => nullKeys || isOptional(k));
  return (seg, row) => {
    const r = readers[seg]!;
    r.at(row);
    const choices: Scalar[][] = [];
    for (let i = 0; i < keys.length; i++) {
      const v = evalExpr(keys[i]!, r.get, opts);
      const list = Array.isArray(v) ? sortValues(v.map(normValue)) : v === null ? [] : [normValue(v)];
      if (list.length === 0) {
        if (!allowNull[i]) return NULL_KEY;
        choices.push([null]);
      } else choices.push(list);
    }
    if (choices.every((c) => c.length === 1)) {
      const vals = choices.map((c) => c[0]!);
      return interner.intern(tokenOf(vals), vals);
    }
    const out: number[] = [];
    const walk = (i: number, acc: Scalar[]): void => {
      if (i === choices.length) {
        const vals = [...acc];
        out.push(interner.intern(tokenOf(vals), vals));
        return;
      }
      for (const c of choices[i]!) {
        acc.push(c);
        walk(i + 1, acc);
        acc.pop();
      }
    };
    walk(0, []);
    return out;
  };
}

function singleFieldKey(seg: Segment, name: string, interner: KeyInterner, allowNull: boolean): (row: number) => KeyIds {
  const col = columnOf(seg, name);
  // A date field with a custom format joins on its instant (epoch ms), as Elasticsearch keys dates.
  const format = segmentDateFormat(seg, name);
  const norm = format ? (v: Scalar): Scalar => (typeof v === "string" ? dateKey(v, format) : v) : normValue;
  const nullId = (): number => (allowNull ? interner.intern("\u0000null", null) : NULL_KEY);
  const one = (v: Scalar): number => (typeof v === "number" ? interner.internNumber(v) : interner.intern(v === null ? "\u0000null" : "s" + String(v), v));
  if (!col) return nullId;
  switch (col.kind) {
    case "num":
      return (row) => {
        const v = col.values[row]!;
        return Number.isNaN(v) ? nullId() : interner.internNumber(v);
      };
    case "str": {
      // Per dictionary id: the interned key (computed lazily; -2 = not yet known).
      const cache = new Int32Array(col.dict.size).fill(-2);
      return (row) => {
        const id = col.ids[row]!;
        let k = cache[id]!;
        if (k === -2) {
          k = id === 0 ? nullId() : one(norm(col.boolean ? col.dict.values[id] === "true" : col.dict.values[id]!));
          cache[id] = k;
        }
        return k;
      };
    }
    case "slice":
      return (row) => {
        const v = sliceValue(col, row);
        return v === null ? nullId() : one(norm(v));
      };
    case "multi":
      return (row) => {
        const s = col.offsets[row]!;
        const e = col.offsets[row + 1]!;
        if (s === e) return nullId();
        if (e - s === 1) return one(norm(col.dict.values[col.ids[s]!]!));
        const vals: Scalar[] = [];
        for (let i = s; i < e; i++) vals.push(norm(col.dict.values[col.ids[i]!]!));
        return sortValues(vals).map(one);
      };
  }
}

/** Key order: null first, numbers before text, numbers numerically, text by code units. */
export function compareKeyTuples(a: Scalar[], b: Scalar[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return 0;
}
