import type { FieldValue, FlatFields } from "../store/types.ts";
import { internalize } from "./name-cache.ts";

/** Deeper nesting than this is kept as JSON text in one field instead of being flattened. */
export const MAX_FLATTEN_DEPTH = 64;

/** Set by flattenJson when part of the value was nested too deeply and kept as JSON text. */
export interface FlattenReport {
  tooDeep: boolean;
}

/**
 * Flattens nested JSON objects into dotted field names; arrays become multi-value fields (arrays
 * of objects are kept as JSON text per element).
 */
export function flattenJson(value: unknown, into?: FlatFields, prefix = "", depth = 0, report?: FlattenReport): FlatFields {
  if (into === undefined && value !== null && typeof value === "object" && !Array.isArray(value) && isFlat(value as Record<string, unknown>)) {
    // Already flat (Zeek JSON, most NDJSON): the parsed object is the field record, no copy.
    return value as FlatFields;
  }
  // A dictionary without a prototype from the start: nested events have dozens of computed names,
  // which would take a plain object through map transitions into dictionary mode on every event
  // (and a "__proto__" key is an ordinary field, not a prototype change).
  const out = into ?? (Object.create(null) as FlatFields);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    if (prefix) out[prefix] = toFieldValue(value);
    return out;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    const name = prefix ? dottedName(prefix, key) : key;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      if (depth >= MAX_FLATTEN_DEPTH) {
        out[name] = safeStringify(v);
        if (report) report.tooDeep = true;
      } else flattenJson(v, out, name, depth + 1, report);
    } else {
      out[name] = toFieldValue(v);
    }
  }
  return out;
}

/**
 * `prefix.key`, one internalized string per distinct pair: a name concatenated afresh for every
 * event is a new string that each keyed store must flatten, hash and look up in V8's string table
 * (measured at ~20% of Suricata eve.json ingest). Bounded: JSON whose keys are data (maps keyed
 * by addresses or hashes) would otherwise grow the cache without end.
 */
function dottedName(prefix: string, key: string): string {
  let byKey = dotted.get(prefix);
  if (byKey === undefined) {
    byKey = new Map();
    dotted.set(prefix, byKey);
  }
  let name = byKey.get(key);
  if (name === undefined) {
    name = internalize(prefix + "." + key);
    if (++dottedCount > MAX_DOTTED) {
      dotted.clear();
      dottedCount = 0;
    } else byKey.set(key, name);
  }
  return name;
}
const dotted = new Map<string, Map<string, string>>();
let dottedCount = 0;
const MAX_DOTTED = 50_000;

/** True when every value is a scalar or an array of scalars. */
function isFlat(obj: Record<string, unknown>): boolean {
  for (const key in obj) {
    const v = obj[key];
    if (v !== null && typeof v === "object") {
      if (!Array.isArray(v)) return false;
      for (const x of v) if (x !== null && typeof x === "object") return false;
    }
  }
  return true;
}

function toFieldValue(v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === "object" ? safeStringify(x) : (x as FieldValue)));
  if (typeof v === "object") return safeStringify(v);
  return v as FieldValue;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return "[unprintable: nested too deeply]";
  }
}
