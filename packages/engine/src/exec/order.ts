/**
 * Order keys from fields: EQL orders events by its timestamp field, then an optional tiebreaker
 * field, then the implicit ingest sequence. Numeric columns are used as they are (so FILETIME or
 * epoch-nanosecond values keep their full precision); text columns are converted once per
 * distinct dictionary value (numbers, then ISO dates; other text sorts by its string rank).
 */
import { columnOf, type Dataset } from "../store/dataset.ts";
import { parseNumber, type Dict } from "../store/dict.ts";
import { materializeSlice, sliceValue } from "../store/slice.ts";
import type { Column, Segment } from "../store/types.ts";
import type { OrderKeys } from "./event-list.ts";
import { dateMs } from "./expr.ts";

/** How events are ordered: `timestampField` null = the time ingest assigned. */
export interface OrderSpec {
  timestampField: string | null;
  tiebreakerField: string | null;
}

const cache = new WeakMap<Segment, Map<string, Float64Array>>();

/** Per-segment keys for an order spec (cached per segment and field). */
export function orderKeysFor(ds: Dataset, spec: OrderSpec): OrderKeys {
  return {
    // A segment without the timestamp field at all (a log format with its own time field) orders by ingest time.
    ts: ds.segments.map((s) => (spec.timestampField === null || !columnOf(s, spec.timestampField) ? s.time : fieldKeys(s, spec.timestampField, "time"))),
    tb: ds.segments.map((s) => (spec.tiebreakerField === null ? null : fieldKeys(s, spec.tiebreakerField, "rank"))),
  };
}

/** A numeric key per row of a field (NaN where absent). */
export function fieldKeys(seg: Segment, field: string, textMode: "time" | "rank"): Float64Array {
  let bySeg = cache.get(seg);
  if (!bySeg) {
    bySeg = new Map();
    cache.set(seg, bySeg);
  }
  const key = `${textMode}:${field}`;
  let keys = bySeg.get(key);
  if (!keys) {
    keys = computeKeys(columnOf(seg, field), seg.rowCount, textMode);
    bySeg.set(key, keys);
  }
  return keys;
}

function computeKeys(col: Column | undefined, n: number, textMode: "time" | "rank"): Float64Array {
  if (!col) return new Float64Array(n).fill(NaN);
  if (col.kind === "num") return col.values;
  if (col.kind === "slice") {
    // Time keys come from each row's text; text ranks must agree with the dictionary columns of
    // the same field in other segments, so that case goes through the shared dictionary.
    if (textMode === "rank") return computeKeys(materializeSlice(col), n, textMode);
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const v = sliceValue(col, r);
      if (v === null) out[r] = NaN;
      else {
        const x = parseNumber(v);
        out[r] = Number.isNaN(x) ? (dateMs(v) ?? NaN) : x;
      }
    }
    return out;
  }
  const table = dictKeys(col.dict, textMode);
  const out = new Float64Array(n);
  if (col.kind === "str") {
    for (let r = 0; r < n; r++) out[r] = table[col.ids[r]!]!;
  } else {
    for (let r = 0; r < n; r++) out[r] = col.offsets[r] === col.offsets[r + 1] ? NaN : table[col.ids[col.offsets[r]!]!]!;
  }
  return out;
}

const dictCache = new WeakMap<Dict, Map<string, Float64Array>>();

function dictKeys(dict: Dict, textMode: "time" | "rank"): Float64Array {
  let m = dictCache.get(dict);
  if (!m) {
    m = new Map();
    dictCache.set(dict, m);
  }
  let t = m.get(textMode);
  if (t && t.length === dict.size) return t;
  const nums = dict.numbers();
  t = new Float64Array(dict.size);
  let allNumeric = true;
  for (let id = 1; id < dict.size; id++) {
    let v = nums[id]!;
    // ISO text keeps its sub-millisecond digits (date_nanos), so nanosecond events order correctly.
    if (Number.isNaN(v) && textMode === "time") v = dateMs(dict.values[id]!) ?? NaN;
    if (Number.isNaN(v)) allNumeric = false;
    t[id] = v;
  }
  t[0] = NaN;
  if (!allNumeric && textMode === "rank") {
    // Text tiebreakers sort by string order: rank each distinct value.
    const ids = Array.from({ length: dict.size - 1 }, (_, i) => i + 1).sort((a, b) => (dict.values[a]! < dict.values[b]! ? -1 : dict.values[a]! > dict.values[b]! ? 1 : 0));
    ids.forEach((id, rank) => (t![id] = rank));
  }
  m.set(textMode, t);
  return t;
}

const maskCache = new WeakMap<Float64Array, Uint8Array | null>();

/** Rows that have a timestamp (EQL ignores events without one), or null when every row has one (cached per key array). */
export function hasKeyMask(keys: Float64Array): Uint8Array | null {
  const hit = maskCache.get(keys);
  if (hit !== undefined) return hit;
  const m = computeHasKeyMask(keys);
  maskCache.set(keys, m);
  return m;
}

function computeHasKeyMask(keys: Float64Array): Uint8Array | null {
  let missing = false;
  for (let r = 0; r < keys.length; r++) {
    if (Number.isNaN(keys[r]!)) {
      missing = true;
      break;
    }
  }
  if (!missing) return null;
  const out = new Uint8Array(keys.length);
  for (let r = 0; r < keys.length; r++) out[r] = Number.isNaN(keys[r]!) ? 0 : 1;
  return out;
}
