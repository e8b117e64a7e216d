import type { FieldValue, FlatFields } from "../store/types.ts";

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
  const out = into ?? {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    if (prefix) out[prefix] = toFieldValue(value);
    return out;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    const name = prefix ? prefix + "." + key : key;
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
