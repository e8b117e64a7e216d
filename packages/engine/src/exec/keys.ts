/**
 * Join keys for sequences and samples: the values of a stage's key expressions for one event,
 * interned to dense integer ids so per-key state lives in typed arrays. A number and its decimal
 * text are one key (a pid stored as 2012 in one file and "2012" in another joins).
 */
import { columnOf, type Dataset } from "../store/dataset.ts";
import type { Scalar, Segment } from "../store/types.ts";
import type { Expr } from "../lang/plan.ts";
import { evalExpr, first, type EvalOptions } from "./expr.ts";
import { rowReader } from "./filter.ts";

/** Key id for "some key value is missing". */
export const NULL_KEY = -1;

/** Interns key tuples to ids 0, 1, 2… and remembers each id's values. */
export class KeyInterner {
  private readonly ids = new Map<string | number, number>();
  readonly values: Scalar[][] = [];

  get size(): number {
    return this.values.length;
  }

  /** The id of a key tuple (added when new). */
  intern(token: string | number, values: () => Scalar[]): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(token, id);
      this.values.push(values());
    }
    return id;
  }
}

/** Normalises a key value: numeric text becomes its number. */
function norm(v: Scalar): Scalar {
  if (typeof v === "string") {
    const n = Number(v);
    if (v.trim() !== "" && !Number.isNaN(n) && /^[+-]?\d+(\.\d+)?$/.test(v.trim())) return n;
  }
  return v;
}

/**
 * A function giving the key id of (segment, row) for one stage's key expressions, or NULL_KEY
 * when any key value is missing. With no keys every event has key 0.
 */
export function keyFunction(ds: Dataset, keys: Expr[], interner: KeyInterner, opts: EvalOptions | undefined, nullKeys: boolean): (seg: number, row: number) => number {
  if (keys.length === 0) {
    return () => interner.intern("", () => []);
  }
  if (keys.length === 1 && keys[0]!.kind === "field") {
    const name = keys[0].name;
    const perSeg = ds.segments.map((s) => singleFieldKey(s, name, interner, nullKeys));
    return (seg, row) => perSeg[seg]!(row);
  }
  const readers = ds.segments.map((s) => rowReader(s));
  return (seg, row) => {
    const r = readers[seg]!;
    r.at(row);
    const vals = keys.map((k) => norm(first(evalExpr(k, r.get, opts))));
    if (!nullKeys && vals.some((v) => v === null)) return NULL_KEY;
    const v0 = vals[0]!;
    const token = vals.length === 1 ? (v0 === null ? "\u0000null" : typeof v0 === "number" ? v0 : "s" + String(v0)) : JSON.stringify(vals);
    return interner.intern(token, () => vals);
  };
}

function singleFieldKey(seg: Segment, name: string, interner: KeyInterner, nullKeys: boolean): (row: number) => number {
  const col = columnOf(seg, name);
  const nullId = (): number => (nullKeys ? interner.intern("\u0000null", () => [null]) : NULL_KEY);
  if (!col) return nullId;
  switch (col.kind) {
    case "num":
      return (row) => {
        const v = col.values[row]!;
        return Number.isNaN(v) ? nullId() : interner.intern(v, () => [v]);
      };
    case "str": {
      // Per dictionary id: the interned key (computed lazily; -2 = not yet known).
      const cache = new Int32Array(col.dict.size).fill(-2);
      return (row) => {
        const id = col.ids[row]!;
        let k = cache[id]!;
        if (k === -2) {
          if (id === 0) k = nullId();
          else {
            const raw = col.boolean ? col.dict.values[id] === "true" : col.dict.values[id]!;
            const v = norm(raw);
            k = interner.intern(typeof v === "number" ? v : "s" + String(v), () => [v]);
          }
          cache[id] = k;
        }
        return k;
      };
    }
    case "multi":
      return (row) => {
        const s = col.offsets[row]!;
        if (s === col.offsets[row + 1]) return nullId();
        const v = norm(col.dict.values[col.ids[s]!]!);
        return interner.intern(typeof v === "number" ? v : "s" + String(v), () => [v]);
      };
  }
}
