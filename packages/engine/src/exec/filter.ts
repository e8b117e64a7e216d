/**
 * The columnar filter: `Expr` → per-segment truth masks → selected rows. A leaf predicate that
 * reads one dictionary-encoded field is evaluated once per distinct value (a table indexed by
 * dictionary id, shared by every segment because dictionaries are per field name) and then
 * applied with one typed-array scan; numeric comparisons scan the Float64Array directly; anything
 * else falls back to the row evaluator. Masks hold three-valued logic: 0 false, 1 true, 2 null.
 */
import { columnOf, valueAt, type Dataset } from "../store/dataset.ts";
import { parseNumber, type Dict } from "../store/dict.ts";
import type { Column, Scalar, Segment } from "../store/types.ts";
import type { Expr, TimeRange } from "../lang/plan.ts";
import { BATCH_ROWS, checkCancelled, type CancelToken } from "./cancel.ts";
import { mergeSelections, type EventList, type OrderKeys } from "./event-list.ts";
import { evalExpr, truth, type EvalOptions, type Value } from "./expr.ts";
import { postingsSelect } from "./num-postings.ts";
import { lineageMask } from "./lineage.ts";

// Ordered so that AND is min, OR is max and NOT is 2 - v.
export const FALSE = 0;
export const UNKNOWN = 1;
export const TRUE = 2;

/** Options of a filter run. */
export interface FilterOptions {
  timeRange?: TimeRange;
  cancel?: CancelToken;
  eval?: EvalOptions;
  /** Order of the result (default: (time, seq)). */
  order?: OrderKeys | null;
  /** Keep only rows this returns true for (EQL drops events without a timestamp). */
  rowFilter?: (seg: Segment) => Uint8Array | null;
}

/**
 * Per-query state: dictionary tables computed for one predicate are reused by every segment that
 * shares the dictionary.
 */
export class FilterContext {
  private readonly tables = new Map<Expr, Map<Dict, Uint8Array>>();
  constructor(
    readonly ds: Dataset,
    readonly opts: FilterOptions = {},
  ) {}

  /** The truth table of a one-field predicate over the ids of `dict`. */
  table(expr: Expr, field: string, dict: Dict, boolean: boolean): Uint8Array {
    let byDict = this.tables.get(expr);
    if (!byDict) {
      byDict = new Map();
      this.tables.set(expr, byDict);
    }
    let t = byDict.get(dict);
    if (!t || t.length !== dict.size) {
      t = sharedTable(expr, field, dict, boolean, this.opts.eval);
      byDict.set(dict, t);
    }
    return t;
  }
}

/**
 * Tables are also kept across queries, per dictionary and predicate text, so re-running a query
 * (another time range, the next page) does not re-test every distinct value. A dictionary that
 * has grown since gets a fresh table.
 */
const SHARED = new WeakMap<Dict, Map<string, Uint8Array>>();
/** Tables kept per dictionary: at most 256, and about 32 MB for a dictionary of many values. */
const sharedLimit = (size: number): number => Math.max(4, Math.min(256, Math.floor((32 << 20) / Math.max(1, size))));

function sharedTable(expr: Expr, field: string, dict: Dict, boolean: boolean, opts: EvalOptions | undefined): Uint8Array {
  const key = `${opts?.pythonTruth ? "p" : ""}${opts?.integerDivision ? "i" : ""}${opts?.fieldType?.(field) ?? ""}|${boolean ? "b" : ""}|${field}|${JSON.stringify(expr, (k, v: unknown) => (k === "span" ? undefined : v))}`;
  let m = SHARED.get(dict);
  if (!m) SHARED.set(dict, (m = new Map()));
  const hit = m.get(key);
  if (hit && hit.length === dict.size) return hit;
  const t = fastTable(expr, field, dict, boolean, opts) ?? evalTable(expr, field, dict, boolean, opts);
  if (m.size >= sharedLimit(dict.size)) m.clear();
  m.set(key, t);
  return t;
}

/** The table by evaluating the predicate once per distinct value. */
function evalTable(expr: Expr, field: string, dict: Dict, boolean: boolean, opts: EvalOptions | undefined): Uint8Array {
  const t = new Uint8Array(dict.size);
  const values = dict.values;
  let current: Scalar = null;
  const get = (name: string): Value => (name === field ? current : null);
  for (let id = 0; id < values.length; id++) {
    current = id === 0 ? null : boolean ? values[id] === "true" : values[id]!;
    t[id] = code(evalExpr(expr, get, opts), opts?.pythonTruth);
  }
  return t;
}

/**
 * Tables for the common predicates without the row evaluator: string equality (a dictionary
 * lookup when case-sensitive), `in` over string literals, and wildcards (plain string tests for
 * `*x*`, `x*`, `*x`). Null when the predicate is not one of these (or types make it subtle).
 */
function fastTable(expr: Expr, field: string, dict: Dict, boolean: boolean, opts: EvalOptions | undefined): Uint8Array | null {
  if (boolean || opts?.fieldType?.(field) !== undefined && opts.fieldType(field) !== "string") return null;
  const n = dict.size;
  const isField = (e: Expr): boolean => e.kind === "field" && e.name === field && e.index === undefined && e.event === undefined;
  const strLit = (e: Expr): string | null => (e.kind === "literal" && typeof e.value === "string" ? e.value : null);
  const fill = (match: (id: number) => boolean, negate = false): Uint8Array => {
    const t = new Uint8Array(n);
    for (let id = 1; id < n; id++) t[id] = match(id) !== negate ? TRUE : FALSE;
    t[0] = UNKNOWN;
    return t;
  };
  switch (expr.kind) {
    case "compare": {
      if ((expr.op !== "==" && expr.op !== "!=") || !isField(expr.left)) return null;
      const lit = strLit(expr.right);
      // Numeric-looking text compares as a number ("0443" == "443"): leave it to the evaluator.
      if (lit === null || lit.trim() !== lit || !Number.isNaN(parseNumber(lit)) || lit === "") return null;
      const negate = expr.op === "!=";
      if (!expr.caseInsensitive) {
        const hitId = dict.lookup(lit);
        const t = new Uint8Array(n).fill(negate ? TRUE : FALSE);
        t[0] = UNKNOWN;
        if (hitId > 0) t[hitId] = negate ? FALSE : TRUE;
        // Numeric dictionary values would compare numerically with text only if the text were numeric; it is not.
        return t;
      }
      const lower = dict.lower();
      const want = lit.toLowerCase();
      return fill((id) => lower[id] === want, negate);
    }
    case "in": {
      if (!isField(expr.target)) return null;
      const lits = expr.values.map(strLit);
      if (lits.some((l) => l === null || l.trim() !== l || l === "" || !Number.isNaN(parseNumber(l)))) return null;
      if (!expr.caseInsensitive) {
        const t = new Uint8Array(n);
        t[0] = UNKNOWN;
        for (const l of lits) {
          const id = dict.lookup(l!);
          if (id > 0) t[id] = TRUE;
        }
        return t;
      }
      const wanted = new Set(lits.map((l) => l!.toLowerCase()));
      const lower = dict.lower();
      return fill((id) => wanted.has(lower[id]!));
    }
    case "wildcard": {
      if (!isField(expr.target)) return null;
      const matchers = expr.patterns.map((p) => simpleWildcard(p, expr.caseInsensitive));
      if (matchers.some((m) => m === null)) return null;
      const vals = expr.caseInsensitive ? dict.lower() : dict.values;
      return fill((id) => matchers.some((m) => m!(vals[id]!)));
    }
    default:
      return null;
  }
}

/** A string test for `*x*`, `x*`, `*x` or `x` (`\\` escapes a character; no `?`); null for anything else. */
function simpleWildcard(pattern: string, ci: boolean): ((s: string) => boolean) | null {
  let core = "";
  let lead = false;
  let trail = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      if (trail) return null;
      core += pattern[++i]!;
    } else if (c === "?") return null;
    else if (c === "*") {
      if (i === 0) lead = true;
      else if (i === pattern.length - 1) trail = true;
      else return null;
    } else if (trail) return null;
    else core += c;
  }
  if (ci) core = core.toLowerCase();
  if (lead && trail) return (s) => s.includes(core);
  if (lead) return pattern.length === 1 ? () => true : (s) => s.endsWith(core);
  if (trail) return (s) => s.startsWith(core);
  return (s) => s === core;
}

function code(v: Value, python = false): number {
  const t = truth(v, python);
  return t === true ? TRUE : t === false ? FALSE : UNKNOWN;
}

/** Selects the events matching `where` across the dataset, in global order. */
export function selectEvents(ds: Dataset, where: Expr, opts: FilterOptions = {}): EventList {
  const ctx = new FilterContext(ds, opts);
  const perSeg: Array<Uint32Array | null> = [];
  for (const seg of ds.segments) {
    checkCancelled(opts.cancel);
    perSeg.push(selectRows(ctx, seg, where));
  }
  return mergeSelections(ds, perSeg, opts.order ?? null);
}

/** The rows of one segment where `where` is true (ascending), honouring time range and row filter. */
export function selectRows(ctx: FilterContext, seg: Segment, where: Expr): Uint32Array {
  return rowsWhere(ctx, seg, where, false);
}

/**
 * `selectRows` for a consumer that only reads the rows before its next call (an aggregation):
 * when every row in the time range matches, the answer is a view of one shared 0, 1, 2, …
 * buffer instead of a fresh array, so `* | stats …` over a million events allocates nothing.
 * Never keep, write or transfer the result.
 */
export function selectRowsView(ctx: FilterContext, seg: Segment, where: Expr): Uint32Array {
  return rowsWhere(ctx, seg, where, true);
}

let iota = new Uint32Array(0);

/** A view of 0..n-1 (shared; grown when a bigger segment asks). */
function identityRows(lo: number, hi: number): Uint32Array {
  if (iota.length < hi) {
    iota = new Uint32Array(Math.max(hi, iota.length * 2));
    for (let r = 0; r < iota.length; r++) iota[r] = r;
  }
  return iota.subarray(lo, hi);
}

function rowsWhere(ctx: FilterContext, seg: Segment, where: Expr, view: boolean): Uint32Array {
  const [lo, hi] = timeBounds(seg, ctx.opts.timeRange);
  if (hi <= lo) return new Uint32Array(0);
  const keep = ctx.opts.rowFilter?.(seg) ?? null;
  // A predicate that is the same for every row of this segment (`*`, or a field the segment does
  // not have — most segments, now that each event kind has its own) needs no mask and no scan.
  const constant = constantTruth(ctx, seg, where);
  if (constant !== null) {
    if (constant !== TRUE) return new Uint32Array(0);
    if (view && !keep) return identityRows(lo, hi);
    let k = 0;
    const out = new Uint32Array(hi - lo);
    if (keep) {
      for (let r = lo; r < hi; r++) if (keep[r]) out[k++] = r;
      return k === out.length ? out : out.slice(0, k);
    }
    for (let r = lo; r < hi; r++) out[k++] = r;
    return out;
  }
  const direct = numericSelect(seg, where, lo, hi, keep);
  if (direct) return direct;
  const mask = evalMask(ctx, seg, where);
  // One pass into a reused scratch buffer, then copy out only the hits.
  if (scratch.length < hi - lo) scratch = new Uint32Array(Math.max(hi - lo, scratch.length * 2));
  const buf = scratch;
  let k = 0;
  // Branch-free: the row is written and the index advanced by 0 or 1 (scattered hits mispredict).
  const T = TRUE;
  if (keep) {
    for (let r = lo; r < hi; r++) {
      buf[k] = r;
      k += +(mask[r] === T) & +(keep[r] !== 0);
    }
  } else {
    for (let r = lo; r < hi; r++) {
      buf[k] = r;
      k += +(mask[r] === T);
    }
  }
  return buf.slice(0, k);
}

let scratch = new Uint32Array(0);

/** The 64K membership table of an `in` over small integers, made once per expression (every segment reads it). */
const smallIntTables = new WeakMap<Expr, Uint8Array>();

/**
 * Which integers in [0, 65536) a numeric column holds, as a bitset, or null when it holds any
 * other number: computed on the first equality or IN test of the column and kept (columns never
 * change). A segment that holds none of the literals is answered without a scan — the bench's
 * `dest_port in (22, 53, 3389)` then skips the web and TLS flow segments (ports 80, 443, 8080).
 */
const presence = new WeakMap<Float64Array, Uint32Array | null>();

function smallIntPresence(values: Float64Array): Uint32Array | null {
  let bits = presence.get(values);
  if (bits !== undefined) return bits;
  bits = new Uint32Array(2048);
  for (let r = 0; r < values.length; r++) {
    const y = values[r]!;
    if (y !== y) continue;
    const i = y | 0;
    if (i !== y || i >>> 16 !== 0) {
      bits = null;
      break;
    }
    bits[i >>> 5]! |= 1 << (i & 31);
  }
  presence.set(values, bits);
  return bits;
}

/** A whole number in [0, 65536): what the presence bitsets, IN tables and posting lists cover. */
const isSmallInt = (l: number): boolean => l >= 0 && l < 65536 && (l | 0) === l;

/** Whether a column's presence bitset (null: it holds other numbers) rules out every small-integer literal. */
function noneOccur(bits: Uint32Array | null, lits: number[]): boolean {
  return bits !== null && lits.every((l) => (bits[l >>> 5]! & (1 << (l & 31))) === 0);
}

/**
 * A whole filter that is one numeric test of a numeric column (`dest_port in (22, 53, 3389)`,
 * `bytes > 1000`): the rows where it is true, straight from the Float64Array, without a mask
 * and a second pass over it (the bench's IN filter spent half its scan there). Null when the
 * filter is not such a test; the tests are numericFast's (NaN = absent is never true).
 */
function numericSelect(seg: Segment, expr: Expr, lo: number, hi: number, keep: Uint8Array | null): Uint32Array | null {
  const plain = (e: Expr): e is Extract<Expr, { kind: "field" }> => e.kind === "field" && e.index === undefined && e.event === undefined && e.name !== "_raw";
  let target: Extract<Expr, { kind: "field" }>;
  let lits: number[];
  let op: string;
  if (expr.kind === "in" && plain(expr.target)) {
    target = expr.target;
    lits = [];
    for (const v of expr.values) {
      if (v.kind !== "literal" || typeof v.value !== "number") return null;
      lits.push(v.value);
    }
    op = "in";
  } else if (expr.kind === "compare" && plain(expr.left) && expr.right.kind === "literal" && typeof expr.right.value === "number") {
    target = expr.left;
    lits = [expr.right.value];
    op = expr.op;
  } else return null;
  const col = columnOf(seg, target.name);
  if (!col || col.kind !== "num") return null;
  const v = col.values;
  const smallLits = lits.every(isSmallInt);
  const equality = op === "in" || op === "==";
  const present = equality && smallLits ? smallIntPresence(v) : null;
  if (noneOccur(present, lits)) return new Uint32Array(0);
  if (scratch.length < hi - lo) scratch = new Uint32Array(Math.max(hi - lo, scratch.length * 2));
  const buf = scratch;
  // A column of small integers tested for small integers reads its posting lists (num-postings.ts).
  let k = equality && smallLits ? postingsSelect(v, present !== null, lits, lo, hi, buf) : -1;
  if (k >= 0) return keepOnly(buf, k, keep);
  k = 0;
  // NaN (absent) fails every comparison below, as it must: only TRUE rows are selected. Each
  // loop writes the row and advances by the test's 0 or 1 instead of branching on it: with hits
  // scattered (a fifth of the rows for the bench's ports) the branch mispredicted constantly.
  const x = lits[0] ?? Number.NaN;
  switch (op) {
    case "in": {
      if (smallLits) {
        // Small integer literals (ports, event codes): one table read per row. A value is tested
        // only when it is exactly an integer in range (i === y; NaN and fractions are not).
        let table = smallIntTables.get(expr);
        if (!table) {
          table = new Uint8Array(65536);
          for (const l of lits) table[l] = 1;
          smallIntTables.set(expr, table);
        }
        for (let r = lo; r < hi; r++) {
          const y = v[r]!;
          const i = y | 0;
          buf[k] = r;
          k += table[i & 0xffff]! & +(i === y) & +(i >>> 16 === 0);
        }
        break;
      }
      if (lits.length > 4) {
        const set = new Set(lits);
        for (let r = lo; r < hi; r++) {
          const y = v[r]!;
          // A Set finds NaN; `in` compares with ===, which never does.
          if (y === y && set.has(y)) buf[k++] = r;
        }
        break;
      }
      const b = lits[1] ?? Number.NaN;
      const c = lits[2] ?? Number.NaN;
      const d = lits[3] ?? Number.NaN;
      for (let r = lo; r < hi; r++) {
        const y = v[r]!;
        if (y === x || y === b || y === c || y === d) buf[k++] = r;
      }
      break;
    }
    case "==":
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(v[r] === x);
      }
      break;
    case "!=":
      for (let r = lo; r < hi; r++) {
        const y = v[r]!;
        buf[k] = r;
        k += +(y === y) & +(y !== x);
      }
      break;
    case "<":
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(v[r]! < x);
      }
      break;
    case "<=":
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(v[r]! <= x);
      }
      break;
    case ">":
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(v[r]! > x);
      }
      break;
    case ">=":
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(v[r]! >= x);
      }
      break;
    default:
      return null;
  }
  return keepOnly(buf, k, keep);
}

/** buf[0, k) without the rows `keep` leaves out, copied out of the scratch buffer. */
function keepOnly(buf: Uint32Array, k: number, keep: Uint8Array | null): Uint32Array {
  if (!keep) return buf.slice(0, k);
  let j = 0;
  for (let i = 0; i < k; i++) if (keep[buf[i]!]) buf[j++] = buf[i]!;
  return buf.slice(0, j);
}

/**
 * The truth value a predicate has on every row of a segment when it does not depend on the row
 * (no field, or only fields the segment lacks), else null. Mirrors `leafMask`'s constant cases and
 * folds them through AND/OR/NOT.
 */
export function constantTruth(ctx: FilterContext, seg: Segment, expr: Expr): number | null {
  switch (expr.kind) {
    case "and":
    case "or": {
      const isAnd = expr.kind === "and";
      let acc = isAnd ? TRUE : FALSE;
      // Arguments in order, stopping at the first that depends on the row: evalMask evaluates
      // them in this order too, so no argument is evaluated here that it would have skipped.
      for (const a of expr.args) {
        const v = constantTruth(ctx, seg, a);
        if (v === null) return null;
        // A FALSE argument decides AND, a TRUE one decides OR, whatever the others are.
        if (isAnd ? v === FALSE : v === TRUE) return v;
        acc = isAnd ? Math.min(acc, v) : Math.max(acc, v);
      }
      return acc;
    }
    case "not": {
      const v = constantTruth(ctx, seg, expr.arg);
      return v === null ? null : TRUE - v;
    }
    case "lineage":
      return null;
    default: {
      const fields = fieldsOf(expr);
      if (!fields || fields.size > 1) return null;
      if (fields.size === 1) {
        const name = fields.values().next().value!;
        if (name === "_raw") return null;
        const col = columnOf(seg, name);
        if (col) {
          // A text column with one value in every row (EventCode in a per-event-code segment):
          // the predicate's truth for that value is its truth for the whole segment.
          if (col.kind !== "str") return null;
          const id = uniformId(col.ids);
          return id < 0 ? null : ctx.table(expr, name, col.dict, col.boolean === true)[id]!;
        }
        if (hasSubFields(seg, name)) return null;
      }
      return code(evalExpr(expr, () => null, ctx.opts.eval), ctx.opts.eval?.pythonTruth);
    }
  }
}

const uniform = new WeakMap<ArrayLike<number>, number>();

/**
 * The id every row of a dictionary column holds, or -1 when rows differ (kept per column; the
 * scan stops at the first row that differs, so mixed columns cost a few reads). Segments are
 * split per event kind, so their kind fields hold one value.
 */
function uniformId(ids: ArrayLike<number>): number {
  let id = uniform.get(ids);
  if (id !== undefined) return id;
  id = ids.length > 0 ? ids[0]! : -1;
  for (let r = 1; r < ids.length; r++) {
    if (ids[r] !== id) {
      id = -1;
      break;
    }
  }
  uniform.set(ids, id);
  return id;
}

/** The row range [lo, hi) of a segment inside a time range (segments are sorted by time, NaN first). */
export function timeBounds(seg: Segment, range: TimeRange | undefined): [number, number] {
  if (!range || (range.earliest === null && range.latest === null)) return [0, seg.rowCount];
  const t = seg.time;
  let firstTimed = 0;
  while (firstTimed < t.length && Number.isNaN(t[firstTimed]!)) firstTimed++;
  const lower = (x: number): number => {
    let a = firstTimed;
    let b = t.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (t[m]! < x) a = m + 1;
      else b = m;
    }
    return a;
  };
  const lo = range.earliest === null ? firstTimed : lower(range.earliest);
  const hi = range.latest === null ? t.length : lower(range.latest);
  return [lo, hi];
}

/** Evaluates a predicate over every row of a segment: 0 false, 1 unknown, 2 true. */
export function evalMask(ctx: FilterContext, seg: Segment, expr: Expr): Uint8Array {
  const n = seg.rowCount;
  switch (expr.kind) {
    case "and": {
      let out: Uint8Array | null = null;
      for (const a of expr.args) {
        if (out === null) {
          out = evalMask(ctx, seg, a);
          continue;
        }
        // AND is min: dictionary leaves fold straight into `out`, without a mask of their own.
        if (!andInto(ctx, seg, a, out)) {
          const m = evalMask(ctx, seg, a);
          for (let r = 0; r < n; r++) {
            const v = m[r]!;
            if (v < out[r]!) out[r] = v;
          }
        }
        // Nothing left that could become true: later arguments cannot change the result.
        if (out.indexOf(TRUE) < 0 && out.indexOf(UNKNOWN) < 0) break;
      }
      return out ?? new Uint8Array(n).fill(TRUE);
    }
    case "or": {
      const out = new Uint8Array(n);
      for (const a of expr.args) {
        const m = evalMask(ctx, seg, a);
        for (let r = 0; r < n; r++) {
          const v = m[r]!;
          if (v > out[r]!) out[r] = v;
        }
      }
      return out;
    }
    case "not": {
      const m = evalMask(ctx, seg, expr.arg);
      const out = new Uint8Array(n);
      for (let r = 0; r < n; r++) out[r] = TRUE - m[r]!;
      return out;
    }
    case "lineage":
      return lineageMask(ctx, seg, expr);
    default:
      return leafMask(ctx, seg, expr);
  }
}

/** The single dictionary-encoded field a leaf reads, with its column, when the leaf can use a table. */
function dictLeaf(seg: Segment, expr: Expr): { name: string; col: Extract<Column, { kind: "str" }> } | null {
  if (expr.kind === "and" || expr.kind === "or" || expr.kind === "not" || expr.kind === "lineage") return null;
  const fields = fieldsOf(expr);
  if (!fields || fields.size !== 1) return null;
  const name = fields.values().next().value!;
  if (name === "_raw") return null;
  const col = columnOf(seg, name);
  return col && col.kind === "str" ? { name, col } : null;
}

/**
 * For a predicate that tests one dictionary-encoded field of this segment: the column's ids and
 * the predicate's truth table by id (so callers can fold several predicates into one pass).
 */
export function dictLeafTable(ctx: FilterContext, seg: Segment, expr: Expr): { ids: Uint32Array; table: Uint8Array; field: string } | null {
  const leaf = dictLeaf(seg, expr);
  if (!leaf) return null;
  return { ids: leaf.col.ids, table: ctx.table(expr, leaf.name, leaf.col.dict, leaf.col.boolean === true), field: leaf.name };
}

/** ANDs a dictionary leaf into `out` in place; false when the leaf is not one. */
function andInto(ctx: FilterContext, seg: Segment, expr: Expr, out: Uint8Array): boolean {
  const leaf = dictLeaf(seg, expr);
  if (!leaf) return numericAndInto(seg, expr, out, ctx.opts.cancel);
  const table = ctx.table(expr, leaf.name, leaf.col.dict, leaf.col.boolean === true);
  const ids = leaf.col.ids;
  const n = seg.rowCount;
  for (let b = 0; b < n; b += BATCH_ROWS) {
    checkCancelled(ctx.opts.cancel);
    const e = Math.min(n, b + BATCH_ROWS);
    for (let r = b; r < e; r++) {
      const o = out[r]!;
      if (o === FALSE) continue;
      const v = table[ids[r]!]!;
      if (v < o) out[r] = v;
    }
  }
  return true;
}

/** ANDs `field <op> number` over a numeric column into `out` in place; false when the leaf is not one. */
function numericAndInto(seg: Segment, expr: Expr, out: Uint8Array, cancel: CancelToken | undefined): boolean {
  if (expr.kind !== "compare" || expr.left.kind !== "field" || expr.left.index !== undefined || expr.left.event !== undefined) return false;
  if (expr.right.kind !== "literal" || typeof expr.right.value !== "number") return false;
  const col = columnOf(seg, expr.left.name);
  if (!col || col.kind !== "num") return false;
  const values = col.values;
  const x = expr.right.value;
  const n = seg.rowCount;
  const op = expr.op;
  const batch = BATCH_ROWS - 1;
  for (let r = 0; r < n; r++) {
    if ((r & batch) === 0) checkCancelled(cancel);
    const o = out[r]!;
    if (o === FALSE) continue;
    const v = values[r]!;
    let res: number;
    if (v !== v) res = UNKNOWN; // NaN: the field is absent
    else if (op === "<") res = v < x ? TRUE : FALSE;
    else if (op === "<=") res = v <= x ? TRUE : FALSE;
    else if (op === ">") res = v > x ? TRUE : FALSE;
    else if (op === ">=") res = v >= x ? TRUE : FALSE;
    else if (op === "==") res = v === x ? TRUE : FALSE;
    else res = v !== x ? TRUE : FALSE;
    if (res < o) out[r] = res;
  }
  return true;
}

/** Field names a leaf reads; null when it reads the whole row (`term`) or is not analysable. */
export function fieldsOf(expr: Expr, out = new Set<string>()): Set<string> | null {
  switch (expr.kind) {
    case "field":
      out.add(expr.name);
      return out;
    case "literal":
      return out;
    case "not":
    case "isNull":
    case "neg":
      return fieldsOf(expr.arg, out);
    case "and":
    case "or":
    case "call":
      for (const a of expr.args) if (!fieldsOf(a, out)) return null;
      // SPL functions such as searchmatch read the row themselves.
      return expr.kind === "call" && expr.name === "searchmatch" ? null : out;
    case "compare":
    case "arith":
      return fieldsOf(expr.left, out) && fieldsOf(expr.right, out);
    case "wildcard":
    case "regex":
      return fieldsOf(expr.target, out);
    case "in":
      if (!fieldsOf(expr.target, out)) return null;
      for (const v of expr.values) if (!fieldsOf(v, out)) return null;
      return out;
    case "term":
    case "lineage":
    case "lambda":
    case "lambdaVar":
      return null;
    default:
      return null;
  }
}

function leafMask(ctx: FilterContext, seg: Segment, expr: Expr): Uint8Array {
  const n = seg.rowCount;
  const fields = fieldsOf(expr);
  const py = ctx.opts.eval?.pythonTruth;
  if (fields && fields.size === 0) return new Uint8Array(n).fill(code(evalExpr(expr, () => null, ctx.opts.eval), py));
  if (fields && fields.size === 1) {
    const name = fields.values().next().value!;
    const col = name === "_raw" ? undefined : columnOf(seg, name);
    if (name !== "_raw" && !col && !hasSubFields(seg, name)) return new Uint8Array(n).fill(code(evalExpr(expr, () => null, ctx.opts.eval), py));
    if (col?.kind === "str") {
      const table = ctx.table(expr, name, col.dict, col.boolean === true);
      const ids = col.ids;
      const out = new Uint8Array(n);
      for (let b = 0; b < n; b += BATCH_ROWS) {
        checkCancelled(ctx.opts.cancel);
        const e = Math.min(n, b + BATCH_ROWS);
        for (let r = b; r < e; r++) out[r] = table[ids[r]!]!;
      }
      return out;
    }
    if (col?.kind === "num") {
      checkCancelled(ctx.opts.cancel);
      const fast = numericFast(expr, col.values, n);
      if (fast) return fast;
    }
  }
  return rowWise(ctx, seg, expr);
}

/**
 * `field in (n1, n2, …)` with number literals over a Float64Array, as `evalExpr`'s "in" decides it
 * (absent → unknown, else true when any literal is equal). The row-wise fallback evaluated every
 * row through evalExpr; `dest_port in (22, 53, 3389)` over 1M events was the slowest filter (bench).
 */
function numericIn(expr: Extract<Expr, { kind: "in" }>, values: Float64Array, n: number): Uint8Array | null {
  if (expr.target.kind !== "field") return null;
  const set: number[] = [];
  for (const v of expr.values) {
    if (v.kind !== "literal" || typeof v.value !== "number") return null;
    set.push(v.value);
  }
  const out = new Uint8Array(n);
  const k = set.length;
  if (k <= 4) {
    // Up to four literals: compare unrolled (NaN pads, as it equals nothing); the bench's
    // `dest_port in (22, 53, 3389)` spent half its 1M-event time in the inner loop below.
    const a = k > 0 ? set[0]! : Number.NaN;
    const b = k > 1 ? set[1]! : Number.NaN;
    const c = k > 2 ? set[2]! : Number.NaN;
    const d = k > 3 ? set[3]! : Number.NaN;
    for (let r = 0; r < n; r++) {
      const x = values[r]!;
      out[r] = x !== x ? UNKNOWN : x === a || x === b || x === c || x === d ? TRUE : FALSE;
    }
    return out;
  }
  for (let r = 0; r < n; r++) {
    const x = values[r]!;
    if (Number.isNaN(x)) {
      out[r] = UNKNOWN;
      continue;
    }
    let hit = FALSE;
    for (let i = 0; i < k; i++) {
      if (set[i] === x) {
        hit = TRUE;
        break;
      }
    }
    out[r] = hit;
  }
  return out;
}

/** `field <op> number` and existence tests straight over a Float64Array. */
function numericFast(expr: Expr, values: Float64Array, n: number): Uint8Array | null {
  const plain = (e: Expr): boolean => e.kind === "field" && e.index === undefined && e.event === undefined;
  if (expr.kind === "isNull" && plain(expr.arg)) {
    const out = new Uint8Array(n);
    for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? TRUE : FALSE;
    return out;
  }
  if (expr.kind === "in") return plain(expr.target) ? numericIn(expr, values, n) : null;
  if (expr.kind !== "compare" || !plain(expr.left) || expr.right.kind !== "literal") return null;
  const lit = expr.right.value;
  const out = new Uint8Array(n);
  if (lit === null) {
    if (expr.op !== "==" && expr.op !== "!=") return null;
    const present = expr.op === "!=" ? TRUE : FALSE;
    for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? TRUE - present : present;
    return out;
  }
  if (typeof lit !== "number") return null;
  const x = lit;
  switch (expr.op) {
    case "==":
      for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? UNKNOWN : values[r] === x ? TRUE : FALSE;
      return out;
    case "!=":
      for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? UNKNOWN : values[r] !== x ? TRUE : FALSE;
      return out;
    case "<":
      for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? UNKNOWN : values[r]! < x ? TRUE : FALSE;
      return out;
    case "<=":
      for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? UNKNOWN : values[r]! <= x ? TRUE : FALSE;
      return out;
    case ">":
      for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? UNKNOWN : values[r]! > x ? TRUE : FALSE;
      return out;
    case ">=":
      for (let r = 0; r < n; r++) out[r] = Number.isNaN(values[r]!) ? UNKNOWN : values[r]! >= x ? TRUE : FALSE;
      return out;
    default:
      return null;
  }
}

/** A field reader for rows of one segment; `at(row)` moves it. Column lookups are cached. */
export function rowReader(seg: Segment): { at(row: number): void; get: (name: string) => Value } {
  const cols = new Map<string, Column | undefined>();
  let row = 0;
  return {
    at(r: number) {
      row = r;
    },
    get(name: string): Value {
      if (name === "_raw") return seg.raw[row] ?? null;
      let col = cols.get(name);
      if (col === undefined && !cols.has(name)) {
        col = columnOf(seg, name);
        cols.set(name, col);
      }
      if (!col && hasSubFields(seg, name)) return objectValue(seg, name, row);
      return valueAt(col, row);
    },
  };
}

const subFieldCache = new WeakMap<Segment, Map<string, string[]>>();

/** Stored fields under `name.` (the flattened parts of an object field). */
function subFields(seg: Segment, name: string): string[] {
  let m = subFieldCache.get(seg);
  if (!m) subFieldCache.set(seg, (m = new Map()));
  let list = m.get(name);
  if (!list) {
    const prefix = name + ".";
    list = [...seg.columns.keys()].filter((k) => k.startsWith(prefix));
    m.set(name, list);
  }
  return list;
}

function hasSubFields(seg: Segment, name: string): boolean {
  return subFields(seg, name).length > 0;
}

/** An object field (stored flattened) read back as JSON text, or null when none of its parts is set. */
function objectValue(seg: Segment, name: string, row: number): Value {
  const obj: Record<string, unknown> = {};
  let any = false;
  for (const f of subFields(seg, name)) {
    const v = valueAt(seg.columns.get(f), row);
    if (v === null) continue;
    any = true;
    obj[f.slice(name.length + 1)] = v;
  }
  return any ? JSON.stringify(obj) : null;
}


function rowWise(ctx: FilterContext, seg: Segment, expr: Expr): Uint8Array {
  const n = seg.rowCount;
  const out = new Uint8Array(n);
  const reader = rowReader(seg);
  for (let b = 0; b < n; b += BATCH_ROWS) {
    checkCancelled(ctx.opts.cancel);
    const e = Math.min(n, b + BATCH_ROWS);
    for (let r = b; r < e; r++) {
      reader.at(r);
      out[r] = code(evalExpr(expr, reader.get, ctx.opts.eval), ctx.opts.eval?.pythonTruth);
    }
  }
  return out;
}
