/**
 * Row-wise expression evaluation with three-valued logic: a predicate is `true`, `false` or
 * `null` (unknown: a missing field, a type mismatch). Filters keep rows whose condition is true.
 * Used by the columnar filter once per distinct dictionary value, and directly by SPL over
 * result rows. Multi-value fields: a comparison is true when any value satisfies it.
 */
import { parseNumber } from "../store/dict.ts";
import type { FieldType, Scalar } from "../store/types.ts";
import { assertNever, type CompareOp, type Expr } from "../lang/plan.ts";
import { getFunction, type GetField, type Value } from "./functions/registry.ts";
import { luceneRegExp, termRegExp, wildcardRegExp } from "./patterns.ts";
import "./functions/eql.ts";

export type { GetField, Value } from "./functions/registry.ts";

/** Dialect switches that change evaluation. */
export interface EvalOptions {
  /** Declared field types (ip, version, number…): change how comparisons work. */
  fieldType?: (name: string) => FieldType | undefined;
  /** Integer `/` when both operands are integers (EQL, Java semantics); SPL divides in floating point. */
  integerDivision?: boolean;
  /** Python truthiness for non-boolean conditions (Endgame EQL: `where field` holds for a non-empty value). */
  pythonTruth?: boolean;
}

/** An error in evaluating a query (unknown function, wrong argument count): reported, never a crash. */
export class EvalError extends Error {
  override readonly name = "EvalError";
}

/** Evaluates `expr` against one row whose fields `getField` reads. */
export function evalExpr(expr: Expr, getField: GetField, opts: EvalOptions = {}): Value {
  switch (expr.kind) {
    case "field": {
      if (expr.event !== undefined) return getField(`events[${expr.event}].${expr.name}`);
      const v = getField(expr.name);
      if (expr.index === undefined) return v;
      // `name[N]`: the Nth value of a multi-value field (a single value is its own element 0).
      if (Array.isArray(v)) return v[expr.index] ?? null;
      return expr.index === 0 ? v : null;
    }
    case "literal":
      return expr.value;
    case "not": {
      const v = truth(evalExpr(expr.arg, getField, opts), opts.pythonTruth);
      return v === null ? null : !v;
    }
    case "and": {
      let unknown = false;
      for (const a of expr.args) {
        const v = truth(evalExpr(a, getField, opts), opts.pythonTruth);
        if (v === false) return false;
        if (v === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case "or": {
      let unknown = false;
      for (const a of expr.args) {
        const v = truth(evalExpr(a, getField, opts), opts.pythonTruth);
        if (v === true) return true;
        if (v === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case "compare":
      return evalCompare(expr, getField, opts);
    case "wildcard": {
      const target = evalExpr(expr.target, getField, opts);
      return matchAny(target, expr.patterns, expr.caseInsensitive, false);
    }
    case "regex": {
      const target = evalExpr(expr.target, getField, opts);
      return matchAny(target, expr.patterns, expr.caseInsensitive, true);
    }
    case "in": {
      const target = evalExpr(expr.target, getField, opts);
      if (isNullValue(target)) return null;
      const type = fieldTypeOf(expr.target, opts);
      let unknown = false;
      for (const e of expr.values) {
        const v = evalExpr(e, getField, opts);
        const r = compareValues("==", target, v, expr.caseInsensitive, type);
        if (r === true) return true;
        if (r === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case "isNull":
      return isNullValue(evalExpr(expr.arg, getField, opts));
    case "arith":
      return arith(expr.op, evalExpr(expr.left, getField, opts), evalExpr(expr.right, getField, opts), opts, isFloatExpr(expr.left) || isFloatExpr(expr.right));
    case "neg": {
      const n = toNumber(first(evalExpr(expr.arg, getField, opts)));
      return n === null ? null : -n;
    }
    case "call": {
      if (expr.name === "arraySearch" || expr.name === "arrayCount") return arrayLambda(expr, getField, opts);
      if (expr.name === "safe") {
        // Endgame `safe(x)`: an error inside becomes null.
        try {
          return expr.args[0] ? evalExpr(expr.args[0], getField, opts) : null;
        } catch {
          return null;
        }
      }
      const fn = getFunction(expr.name);
      if (!fn) throw new EvalError(`unknown function ${expr.name}`);
      if (expr.args.length < fn.minArgs || expr.args.length > fn.maxArgs) {
        throw new EvalError(`${expr.name} takes ${fn.minArgs === fn.maxArgs ? fn.minArgs : `${fn.minArgs}..${fn.maxArgs}`} arguments, got ${expr.args.length}`);
      }
      const args: Value[] = new Array<Value>(expr.args.length);
      for (let i = 0; i < expr.args.length; i++) args[i] = evalExpr(expr.args[i]!, getField, opts);
      return fn.impl(args, { caseInsensitive: expr.caseInsensitive ?? false, getField, float: expr.args.some(isFloatExpr), python: opts.pythonTruth === true });
    }
    case "term": {
      const raw = first(getField("_raw"));
      if (raw === null) return false;
      return termRegExp(expr.text).test(String(raw));
    }
    case "lineage":
      // Lineage needs the whole dataset (process trees); the filter resolves it before rows are read.
      throw new EvalError("lineage (descendant of / child of / event of) is only supported in an event filter");
    case "lambda":
    case "lambdaVar":
      return getField(expr.kind === "lambdaVar" ? (expr.path ? `${expr.param}.${expr.path}` : expr.param) : expr.param);
    default:
      return assertNever(expr);
  }
}

/** A compiled Lucene regex, or an EvalError naming the bad pattern (reported as a query error). */
function checkedRegex(p: string, ci: boolean): { test(text: string): boolean } {
  try {
    return luceneRegExp(p, ci);
  } catch (e) {
    throw new EvalError(`invalid regular expression "${p}": ${(e as Error).message}`);
  }
}

function evalCompare(expr: Extract<Expr, { kind: "compare" }>, getField: GetField, opts: EvalOptions): Value {
  // `x == null` / `x != null` are EQL's existence tests, not unknown comparisons.
  if (expr.right.kind === "literal" && expr.right.value === null && (expr.op === "==" || expr.op === "!=")) {
    const n = isNullValue(evalExpr(expr.left, getField, opts));
    return expr.op === "==" ? n : !n;
  }
  if (expr.left.kind === "literal" && expr.left.value === null && (expr.op === "==" || expr.op === "!=")) {
    const n = isNullValue(evalExpr(expr.right, getField, opts));
    return expr.op === "==" ? n : !n;
  }
  const l = evalExpr(expr.left, getField, opts);
  const r = evalExpr(expr.right, getField, opts);
  // Two optional fields that are both absent compare equal (Elasticsearch folds them to null == null).
  if (l === null && r === null && knownNull(expr.left) && knownNull(expr.right) && (expr.op === "==" || expr.op === "!=")) return expr.op === "==";
  return compareValues(expr.op, l, r, expr.caseInsensitive, fieldTypeOf(expr.left, opts) ?? fieldTypeOf(expr.right, opts));
}

function knownNull(e: Expr): boolean {
  return (e.kind === "field" && e.optional === true) || (e.kind === "literal" && e.value === null);
}

function fieldTypeOf(e: Expr, opts: EvalOptions): FieldType | undefined {
  return e.kind === "field" && opts.fieldType ? opts.fieldType(e.name) : undefined;
}

/** Compares two values (any element of a multi-value side may satisfy it); null when unknown. */
export function compareValues(op: CompareOp, l: Value, r: Value, caseInsensitive: boolean, type?: FieldType): boolean | null {
  if (Array.isArray(l) || Array.isArray(r)) {
    const ls = Array.isArray(l) ? l : [l];
    const rs = Array.isArray(r) ? r : [r];
    let unknown = false;
    for (const a of ls) {
      for (const b of rs) {
        const v = compareScalars(op, a, b, caseInsensitive, type);
        if (v === true) return true;
        if (v === null) unknown = true;
      }
    }
    return unknown || ls.length === 0 || rs.length === 0 ? null : false;
  }
  return compareScalars(op, l, r, caseInsensitive, type);
}

/** Compares two scalars: numbers numerically (text that is a number counts), versions and IPs by their type, else text. */
export function compareScalars(op: CompareOp, a: Scalar, b: Scalar, caseInsensitive: boolean, type?: FieldType): boolean | null {
  if (a === null || b === null) return null;
  const c = order(a, b, caseInsensitive, type);
  if (c === null) return null;
  switch (op) {
    case "==":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    default:
      return assertNever(op);
  }
}

function order(a: Scalar, b: Scalar, ci: boolean, type?: FieldType): number | null {
  if (type === "version" && typeof a === "string" && typeof b === "string") return compareVersions(a, b);
  if (type === "ip") {
    const x = ipKey(String(a));
    const y = ipKey(String(b));
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "boolean" || typeof b === "boolean") {
    const x = toBool(a);
    const y = toBool(b);
    if (x === null || y === null) return String(a) === String(b) ? 0 : String(a) < String(b) ? -1 : 1;
    return Number(x) - Number(y);
  }
  if (type === "date") {
    const x = dateMs(a);
    const y = dateMs(b);
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "number" || typeof b === "number" || type === "number") {
    const x = typeof a === "number" ? a : parseNumber(String(a));
    const y = typeof b === "number" ? b : parseNumber(String(b));
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : x > y ? 1 : 0;
    if (type === "date" && typeof a === "string" && typeof b === "string") {
      const da = Date.parse(String(a));
      const db = Date.parse(String(b));
      if (!Number.isNaN(da) && !Number.isNaN(db)) return da < db ? -1 : da > db ? 1 : 0;
    }
  }
  const x = ci ? String(a).toLowerCase() : String(a);
  const y = ci ? String(b).toLowerCase() : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A date as fractional epoch milliseconds: numbers and numeric text are epoch ms (Elasticsearch's
 * `epoch_millis`, with nanosecond decimals for `date_nanos`); ISO-8601 text keeps its sub-millisecond digits.
 */
export function dateMs(v: Scalar): number | null {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return null;
  const fast = isoFast(v);
  if (fast !== null) return fast;
  const n = parseNumber(v.trim());
  if (!Number.isNaN(n)) return n;
  const m = /^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  const base = Date.parse(m[1]!.replace(" ", "T") + (m[1]!.length === 10 ? "T00:00:00" : "") + (m[3] ?? "Z"));
  if (Number.isNaN(base)) return null;
  const frac = m[2] ? Number("0." + m[2]) * 1000 : 0;
  return base + frac;
}

/** Digit at position i, or -1. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** The decimal number in s[a, b), or -1 when a character is not a digit. */
function digitsAt(s: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = digit(s, i);
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` parsed by position (the common log form, millions of
 * distinct values in a dataset): several times faster than a regex. Null for any other shape.
 */
function isoFast(s: string): number | null {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 32) return null;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 7);
  const d = digitsAt(s, 8, 10);
  const h = digitsAt(s, 11, 13);
  const mi = digitsAt(s, 14, 16);
  const se = digitsAt(s, 17, 19);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return null;
  let i = 19;
  let frac = 0;
  if (s.charCodeAt(i) === 46) {
    let scale = 100;
    i++;
    const start = i;
    while (i < s.length && digit(s, i) >= 0) {
      frac += digit(s, i) * scale;
      scale /= 10;
      i++;
    }
    if (i === start) return null;
  }
  let offset = 0;
  const z = s.charCodeAt(i);
  if (z === 90 && i === s.length - 1) offset = 0;
  else if ((z === 43 || z === 45) && (s.length - i === 6 || s.length - i === 5)) {
    const oh = digitsAt(s, i + 1, i + 3);
    const om = s.length - i === 6 ? (s.charCodeAt(i + 3) === 58 ? digitsAt(s, i + 4, i + 6) : -1) : digitsAt(s, i + 3, i + 5);
    if (oh < 0 || om < 0) return null;
    offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 60000;
  } else return null;
  return Date.UTC(y, mo - 1, d, h, mi, se) + frac - offset;
}

function toBool(v: Scalar): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return null;
}

/** Semantic-version order as Elasticsearch's `version` type: numeric parts, a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [ma, pa] = splitPre(a);
  const [mb, pb] = splitPre(b);
  const xa = ma.split(".");
  const xb = mb.split(".");
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const sa = xa[i];
    const sb = xb[i];
    if (sa === undefined) return -1;
    if (sb === undefined) return 1;
    const na = /^\d+$/.test(sa) ? Number(sa) : NaN;
    const nb = /^\d+$/.test(sb) ? Number(sb) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) {
      if (na !== nb) return na < nb ? -1 : 1;
    } else if (sa !== sb) return sa < sb ? -1 : 1;
  }
  if (pa === undefined) return pb === undefined ? 0 : 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

function splitPre(v: string): [string, string | undefined] {
  // main part, pre-release/build part
  const i = v.search(/[-+]/);
  return i < 0 ? [v, undefined] : [v.slice(0, i), v.slice(i + 1)];
}

/** A sortable key for an IPv4 or IPv6 address, or null. */
export function ipKey(text: string): bigint | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return BigInt(v4) + 0xffff00000000n;
  return parseIPv6(text);
}

/** IPv4 dotted quad → 32-bit number, or null. */
export function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const p = Number(m[i]);
    if (p > 255) return null;
    n = n * 256 + p;
  }
  return n;
}

/** IPv6 text → 128-bit number, or null (IPv4-mapped tails allowed). */
export function parseIPv6(text: string): bigint | null {
  let t = text.trim();
  if (!t.includes(":")) return null;
  const pct = t.indexOf("%");
  if (pct >= 0) t = t.slice(0, pct);
  let tail: number[] = [];
  const lastColon = t.lastIndexOf(":");
  const v4 = parseIPv4(t.slice(lastColon + 1));
  if (v4 !== null) {
    tail = [v4 >>> 16, v4 & 0xffff];
    t = t.slice(0, lastColon + 1) + "0";
  }
  const halves = t.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  if (tail.length) {
    if (rest.length) rest.pop();
    else head.pop();
  }
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - rest.length - tail.length).fill(0), ...rest, ...tail] : [...head, ...tail];
  if (groups.length !== 8) return null;
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** An EQL number written with a decimal point (`4.0`) makes division floating point. */
export function isFloatExpr(e: Expr): boolean {
  switch (e.kind) {
    case "literal":
      return e.float === true || (typeof e.value === "number" && !Number.isInteger(e.value));
    case "neg":
      return isFloatExpr(e.arg);
    case "arith":
      return isFloatExpr(e.left) || isFloatExpr(e.right);
    case "call":
      return e.args.some(isFloatExpr);
    default:
      return false;
  }
}

function arith(op: Extract<Expr, { kind: "arith" }>["op"], l: Value, r: Value, opts: EvalOptions, float = false): Value {
  const a = toNumber(first(l));
  const b = toNumber(first(r));
  if (a === null || b === null) return null;
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) return null;
      return opts.integerDivision && !float && Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
    case "%":
      if (b === 0) return null;
      return a % b;
    default:
      return assertNever(op);
  }
}

/**
 * The truth value of a result: booleans as is, null unknown, anything else unknown — or, with
 * `python`, Python's truthiness (non-empty text, non-zero numbers and non-empty lists are true).
 */
export function truth(v: Value, python = false): boolean | null {
  if (typeof v === "boolean") return v;
  if (python) {
    if (v === null) return null;
    if (Array.isArray(v)) return v.length > 0;
    return typeof v === "number" ? v !== 0 && !Number.isNaN(v) : v.length > 0;
  }
  if (Array.isArray(v)) return v.some((x) => x === true) ? true : null;
  return null;
}

/**
 * Endgame `arraySearch(list, x, cond)` / `arrayCount(list, x, cond)`: `cond` evaluated with `x`
 * bound to each element; elements that are JSON objects expose their sub-fields as `x.a.b`.
 */
function arrayLambda(expr: Extract<Expr, { kind: "call" }>, getField: GetField, opts: EvalOptions): Value {
  const [listExpr, lambda] = expr.args;
  if (!listExpr || !lambda || lambda.kind !== "lambda") throw new EvalError(`${expr.name} needs an array, a variable and a condition`);
  const list = evalExpr(listExpr, getField, opts);
  if (list === null) return expr.name === "arrayCount" ? 0 : false;
  const items = Array.isArray(list) ? list : [list];
  let count = 0;
  for (const item of items) {
    const obj = typeof item === "string" && item.startsWith("{") ? parseObject(item) : null;
    const inner: GetField = (name) => {
      if (name === lambda.param) return item;
      if (name.startsWith(lambda.param + ".")) return obj ? pathValue(obj, name.slice(lambda.param.length + 1)) : null;
      return getField(name);
    };
    if (truth(evalExpr(lambda.body, inner, opts), opts.pythonTruth) === true) {
      if (expr.name === "arraySearch") return true;
      count++;
    }
  }
  return expr.name === "arraySearch" ? false : count;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A dotted path inside a parsed JSON object, as a runtime value (nested objects stay JSON text). */
function pathValue(obj: Record<string, unknown>, path: string): Value {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return null;
    cur = (cur as Record<string, unknown>)[p];
  }
  const scalar = (x: unknown): Scalar => (x === null || x === undefined ? null : typeof x === "object" ? JSON.stringify(x) : (x as Scalar));
  if (Array.isArray(cur)) return cur.map(scalar);
  return scalar(cur);
}

/** True for null and empty multi-values. */
export function isNullValue(v: Value): boolean {
  return v === null || (Array.isArray(v) && v.length === 0);
}

/** The first value of a multi-value (or the scalar itself). */
export function first(v: Value): Scalar {
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** A number from a scalar: numbers as is, numeric text parsed; null otherwise. */
export function toNumber(v: Scalar): number | null {
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  if (typeof v === "string") {
    const n = parseNumber(v.trim());
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/**
 * Wildcard or regex patterns against a value (any element of a multi-value); null when missing.
 * Written as plain loops: it runs once per distinct value or per row, and per-call closures are
 * costly there.
 */
function matchAny(v: Value, patterns: string[], ci: boolean, regex: boolean): boolean | null {
  if (v === null) return null;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) return null;
  for (let p = 0; p < patterns.length; p++) {
    const m = regex ? checkedRegex(patterns[p]!, ci) : wildcardRegExp(patterns[p]!, ci);
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (x !== null && x !== undefined && m.test(String(x))) return true;
    }
  }
  return false;
}


/** Compares with a named operator; exported for executors that compare outside expressions. */
export type { CompareOp };
