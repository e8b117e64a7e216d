import { parseNumber } from "../../store/dict.ts";
import type { Scalar } from "../../store/types.ts";
import type { Value } from "../functions/registry.ts";
import { formatNumber } from "./functions.ts";

/** The values of a field as a list (multivalue → each value, null → none). */
export function valuesOf(v: Value): Scalar[] {
  if (v === null) return [];
  return Array.isArray(v) ? v.filter((x) => x !== null) : [v];
}

/** A number from a value, or null when it is not numeric. */
export function numberOf(v: Scalar): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string") {
    const n = parseNumber(v.trim());
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/** Splunk's text form of a scalar (numbers without trailing zeros, booleans as true/false). */
export function textOf(v: Scalar): string {
  if (v === null) return "";
  if (typeof v === "number") return formatNumber(v);
  return String(v);
}

/** A grouping key for a scalar (numbers and their text form group together, as in Splunk). */
export function keyOf(v: Scalar): string {
  return textOf(v);
}

/** Splunk's sort order: numbers numerically before text, text lexicographically; nulls last. */
export function compareScalarsSpl(a: Scalar, b: Scalar): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== null && y !== null) return x - y;
  if (x !== null) return -1;
  if (y !== null) return 1;
  const s = textOf(a);
  const t = textOf(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Compares two values (first value of a multivalue). */
export function compareValuesSpl(a: Value, b: Value): number {
  const x = Array.isArray(a) ? (a[0] ?? null) : a;
  const y = Array.isArray(b) ? (b[0] ?? null) : b;
  return compareScalarsSpl(x, y);
}

/** A list as a value: empty → null, one → the scalar, more → multivalue. */
export function fromList(xs: Scalar[]): Value {
  return xs.length === 0 ? null : xs.length === 1 ? xs[0]! : xs;
}
