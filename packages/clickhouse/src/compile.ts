/**
 * Plan → ClickHouse SQL. Every plan expression is compiled to a WHERE predicate P with one of two
 * guarantees: `exact` (P is true exactly where the local executor's condition is true) or
 * superset (P is true wherever the local condition is; the local executor then decides). A node
 * with no faithful SQL form (Lucene regexes, function calls, arithmetic, lineage…) compiles to
 * nothing, which widens the predicate and never narrows it, so pushdown can make a query cheaper
 * but never change its answer. Field names resolve per segment, as `columnOf` does locally: a
 * stored column first, then the segment's alias.
 */
import { assertNever, type Expr, type FieldType, type QueryPlan, type Source, type TimeRange } from "@quarry/engine";
import type { ChType, DatasetInfo } from "./layout.ts";
import { ident, literal } from "./sql.ts";

/** A compiled predicate. */
export interface Pred {
  sql: string;
  exact: boolean;
  /** The SQL is never NULL (so NOT of an exact predicate is exact too). */
  total?: boolean;
}

/** What the compiler needs to know about the dataset. */
export interface CompileContext {
  info: DatasetInfo;
  /**
   * Field types a mapping declared. Keyword fields compare as text and numeric fields stored as
   * numbers compare as numbers, as the SQL does; other types (ip, date, version, boolean, numbers
   * stored as text) compare by type locally, so they are not pushed down.
   */
  fieldTypes?: ReadonlyMap<string, FieldType>;
  /** Names a mapping aliases or gives a null_value: resolved only after the fetch, so not pushed down. */
  mappedNames?: ReadonlySet<string>;
  /**
   * A field no segment stores is NULL on every event. Not so when a mapping applied after the
   * fetch may still alias it: then such a field has no SQL form.
   */
  mappedAliases?: boolean;
  /** Segments that can hold matching events (see `withLiveSegments`); absent = all. */
  live?: ReadonlySet<number>;
}

interface FieldSql {
  sql: string;
  type: ChType;
}

const ASCII = /^[\x20-\x7e]*$/;

/** The SQL value of a field, resolved per segment (stored column, else alias), or null when it cannot be expressed. */
export function fieldSql(name: string, ctx: CompileContext): FieldSql | null {
  if (ctx.mappedNames?.has(name)) return null;
  const declared = ctx.fieldTypes?.get(name);
  if (declared !== undefined && declared !== "string" && declared !== "number") return null;
  // Segments grouped by the ClickHouse column that holds the field for them.
  const groups = new Map<string, number[]>();
  const holders = new Map<string, number>();
  for (const seg of ctx.info.segments) {
    if (ctx.live && !ctx.live.has(seg.id)) continue;
    const stored = new Map(seg.columns.map((c) => [c[0], c[3]]));
    for (const col of stored.values()) holders.set(col, (holders.get(col) ?? 0) + 1);
    let target: string | null = null;
    if (stored.has(name)) target = name;
    else {
      const alias = seg.aliases.find(([a]) => a === name)?.[1];
      if (alias !== undefined && stored.has(alias)) target = alias;
    }
    if (target === null) continue;
    const col = stored.get(target)!;
    const g = groups.get(col);
    if (g) g.push(seg.id);
    else groups.set(col, [seg.id]);
  }
  // A field no segment has is missing on every event: NULL, exactly as locally.
  if (groups.size === 0) return ctx.mappedAliases ? null : { sql: "NULL", type: "Nullable(String)" };
  const parts: Array<{ ids: number[]; col: FieldSql; all: boolean }> = [];
  for (const [col, ids] of groups) {
    const f = ctx.info.columns.get(col);
    if (!f) return null;
    parts.push({ ids, col: { sql: ident(f.col), type: f.type }, all: holders.get(col) === ids.length });
  }
  const type = parts[0]!.col.type;
  if (parts.some((p) => p.col.type !== type)) return null;
  if (declared === "number" && type !== "Nullable(Float64)") return null;
  const empty = type === "Array(String)" ? "emptyArrayString()" : "NULL";
  if (parts.length === 1 && parts[0]!.all) return parts[0]!.col;
  const branches = parts.map((p) => `_segment IN (${p.ids.map((i) => literal(i)).join(", ")}), ${p.col.sql}`);
  return { sql: `multiIf(${branches.join(", ")}, ${empty})`, type };
}

/** Compiles a filter expression; null means "no SQL form" (the caller keeps every row). */
export function compilePredicate(expr: Expr, ctx: CompileContext): Pred | null {
  switch (expr.kind) {
    case "literal":
      if (typeof expr.value === "boolean") return { sql: expr.value ? "1" : "0", exact: true, total: true };
      return null;
    case "and": {
      const parts = expr.args.map((a) => compilePredicate(a, ctx));
      const kept = parts.filter((p): p is Pred => p !== null);
      if (kept.length === 0) return null;
      return { sql: kept.map((p) => `(${p.sql})`).join(" AND "), exact: kept.length === parts.length && kept.every((p) => p.exact), total: kept.every((p) => p.total === true) };
    }
    case "or": {
      const parts = expr.args.map((a) => compilePredicate(a, ctx));
      if (parts.some((p) => p === null)) return null;
      const ps = parts as Pred[];
      return { sql: ps.map((p) => `(${p.sql})`).join(" OR "), exact: ps.every((p) => p.exact), total: ps.every((p) => p.total === true) };
    }
    case "not": {
      const inner = compilePredicate(expr.arg, ctx);
      if (!inner || !inner.exact) return null;
      if (inner.total) return { sql: `NOT (${inner.sql})`, exact: true, total: true };
      // Missing values: three-valued logic keeps NOT(null) out, Python truth lets it in; the SQL
      // lets it in (a superset of both) and the local executor decides.
      return { sql: `NOT ifNull((${inner.sql}), 0)`, exact: false };
    }
    case "compare":
      return compileCompare(expr, ctx);
    case "wildcard": {
      if (expr.target.kind !== "field" || expr.target.index !== undefined || expr.target.event !== undefined) return null;
      if (!expr.patterns.every((p) => ASCII.test(p))) return null;
      const f = fieldSql(expr.target.name, ctx);
      if (!f || f.type === "Nullable(Float64)") return null;
      const re = expr.patterns.map((p) => wildcardRe2(p)).join("|");
      const pattern = literal(`${expr.caseInsensitive ? "(?i)" : ""}(?s)^(?:${re})$`);
      return anyOf(f, (x) => `match(${x}, ${pattern})`, true);
    }
    case "in": {
      if (expr.target.kind !== "field" || expr.target.index !== undefined || expr.target.event !== undefined) return null;
      const f = fieldSql(expr.target.name, ctx);
      if (!f) return null;
      const values = expr.values.map((v) => (v.kind === "literal" ? v.value : undefined));
      if (values.length === 0) return null;
      if (f.type === "Nullable(Float64)") {
        if (!values.every((v) => typeof v === "number")) return null;
        return { sql: `${f.sql} IN (${values.map((v) => literal(v as number)).join(", ")})`, exact: true };
      }
      if (!values.every((v) => typeof v === "string" && (!expr.caseInsensitive || ASCII.test(v)))) return null;
      const list = `(${(values as string[]).map((v) => literal(expr.caseInsensitive ? v.toLowerCase() : v)).join(", ")})`;
      return anyOf(f, (x) => `${expr.caseInsensitive ? `lowerUTF8(${x})` : x} IN ${list}`, true);
    }
    case "isNull": {
      if (expr.arg.kind !== "field" || expr.arg.index !== undefined || expr.arg.event !== undefined) return null;
      const f = fieldSql(expr.arg.name, ctx);
      if (!f) return null;
      return { sql: f.type === "Array(String)" ? `empty(${f.sql})` : `isNull(${f.sql})`, exact: true, total: true };
    }
    case "term": {
      // A superset of Splunk's token match: every literal piece occurs somewhere, case-insensitively.
      if (!ASCII.test(expr.text) || expr.text.includes("\\")) return null;
      const pieces = expr.text.split("*").filter((s) => s.length > 0);
      if (pieces.length === 0) return null;
      return { sql: pieces.map((p) => `positionCaseInsensitive(_raw, ${literal(p)}) > 0`).join(" AND "), exact: false };
    }
    case "field":
    case "regex":
    case "arith":
    case "neg":
    case "call":
    case "lineage":
    case "lambda":
    case "lambdaVar":
      return null;
    default:
      return assertNever(expr);
  }
}

const FLIP = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

function compileCompare(expr: Extract<Expr, { kind: "compare" }>, ctx: CompileContext): Pred | null {
  let { left, right } = expr;
  let op = expr.op;
  if (left.kind === "literal" && right.kind === "field") {
    [left, right] = [right, left];
    op = FLIP[op];
  }
  if (left.kind !== "field" || right.kind !== "literal" || left.index !== undefined || left.event !== undefined) return null;
  const f = fieldSql(left.name, ctx);
  if (!f) return null;
  const v = right.value;
  const sqlOp = op === "==" ? "=" : op;
  if (f.type === "Nullable(Float64)") {
    if (typeof v !== "number") return null;
    return { sql: `${f.sql} ${sqlOp} ${literal(v)}`, exact: true };
  }
  if (typeof v === "number" && op === "==" && Number.isInteger(v) && Math.abs(v) < 1e15) {
    // Text against a whole number (EventCode == 1 on XML events): locally, text that is a number
    // compares as one ("01", "+1", "1.0", "0x1" all equal 1). A plain run of up to 15 digits reads
    // the same in ClickHouse; other text might be a number in a form SQL reads differently, so it
    // is kept and the local executor decides (a superset).
    return anyOf(f, (x) => `(toFloat64OrNull(${x}) = ${literal(v)} OR NOT match(${x}, '^[0-9]{1,15}$'))`, false);
  }
  if (typeof v !== "string" || (op !== "==" && op !== "!=")) return null;
  if (expr.caseInsensitive && !ASCII.test(v)) return null;
  const want = literal(expr.caseInsensitive ? v.toLowerCase() : v);
  const test = (x: string) => `${expr.caseInsensitive ? `lowerUTF8(${x})` : x} ${sqlOp} ${want}`;
  return anyOf(f, test, true);
}

/** A per-value test lifted to the field: direct on scalars, "any element" on arrays (NULL when empty, like a missing value). */
function anyOf(f: FieldSql, test: (x: string) => string, exact: boolean): Pred {
  if (f.type === "Array(String)") return { sql: `if(empty(${f.sql}), NULL, arrayExists(x -> ${test("x")}, ${f.sql}))`, exact };
  return { sql: test(f.sql), exact };
}

/** A wildcard pattern as an RE2 fragment: `*` any run, `?` one character, `\` escapes the next. */
function wildcardRe2(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "\\" && i + 1 < pattern.length) out += re2Escape(pattern[++i]!);
    else out += re2Escape(c);
  }
  return out;
}

function re2Escape(c: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(c) ? `\\${c}` : c;
}

/**
 * The context narrowed to the segments an event search can match. `sourcetype` is constant per
 * segment, so conditions on it are decided once per segment; fields then resolve only over the
 * live segments (a field that is a number in one sourcetype and text in another can still be
 * pushed down when the search keeps one of them).
 */
export function withLiveSegments(plan: QueryPlan, ctx: CompileContext): CompileContext {
  if (plan.source.kind !== "events" && plan.source.kind !== "tstats") return ctx;
  const where = plan.source.where;
  const live = new Set(ctx.info.segments.filter((seg) => staticTruth(where, seg.sourcetype) !== false).map((s) => s.id));
  return live.size === ctx.info.segments.length ? ctx : { ...ctx, live };
}

/** The truth of a condition for every event of a segment of `sourcetype`, when it is decided by the sourcetype alone. */
function staticTruth(expr: Expr, sourcetype: string): boolean | null {
  const isSt = (e: Expr) => e.kind === "field" && e.name === "sourcetype" && e.index === undefined && e.event === undefined;
  switch (expr.kind) {
    case "literal":
      return typeof expr.value === "boolean" ? expr.value : null;
    case "and": {
      let unknown = false;
      for (const a of expr.args) {
        const t = staticTruth(a, sourcetype);
        if (t === false) return false;
        if (t === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case "or": {
      let unknown = false;
      for (const a of expr.args) {
        const t = staticTruth(a, sourcetype);
        if (t === true) return true;
        if (t === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case "not": {
      const t = staticTruth(expr.arg, sourcetype);
      return t === null ? null : !t;
    }
    case "isNull":
      return isSt(expr.arg) ? false : null;
    case "compare": {
      if (expr.op !== "==" && expr.op !== "!=") return null;
      const [f, lit] = isSt(expr.left) ? [expr.left, expr.right] : [expr.right, expr.left];
      if (!isSt(f) || lit.kind !== "literal" || typeof lit.value !== "string") return null;
      const eq = expr.caseInsensitive ? sourcetype.toLowerCase() === lit.value.toLowerCase() : sourcetype === lit.value;
      return expr.op === "==" ? eq : !eq;
    }
    case "in": {
      if (!isSt(expr.target)) return null;
      const vals = expr.values.map((v) => (v.kind === "literal" && typeof v.value === "string" ? v.value : null));
      if (vals.some((v) => v === null)) return null;
      const st = expr.caseInsensitive ? sourcetype.toLowerCase() : sourcetype;
      return (vals as string[]).some((v) => (expr.caseInsensitive ? v.toLowerCase() : v) === st);
    }
    default:
      return null;
  }
}

/** The WHERE clause that selects every event a plan can need, and whether it is exact. */
export function planPredicate(plan: QueryPlan, outer: CompileContext): Pred | null {
  // Lineage looks at the ancestors of matching events, which no per-event filter can keep.
  if (JSON.stringify(plan).includes('"kind":"lineage"')) return null;
  const ctx = withLiveSegments(plan, outer);
  const source = sourcePredicate(plan.source, ctx);
  const time = timePredicate(plan.timeRange);
  if (source === "none") return { sql: "0", exact: true };
  const segs = ctx.live ? { sql: ctx.live.size ? `_segment IN (${[...ctx.live].map((i) => literal(i)).join(", ")})` : "0", exact: true } : null;
  const parts = [segs, source, time].filter((p): p is Pred => p !== null);
  if (parts.length === 0) return null;
  return { sql: parts.map((p) => `(${p.sql})`).join(" AND "), exact: parts.every((p) => p.exact) && source !== null };
}

function anyStage(wheres: Expr[], ctx: CompileContext): Pred | null {
  const parts = wheres.map((w) => compilePredicate(w, ctx));
  if (parts.some((p) => p === null)) return null;
  return { sql: (parts as Pred[]).map((p) => `(${p.sql})`).join(" OR "), exact: false };
}

function sourcePredicate(source: Source, ctx: CompileContext): Pred | null | "none" {
  switch (source.kind) {
    case "events":
    case "tstats":
      return compilePredicate(source.where, ctx);
    case "sequence":
      return anyStage([...source.stages.map((s) => s.where), ...(source.until ? [source.until.where] : [])], ctx);
    case "sample":
      return anyStage(source.stages.map((s) => s.where), ctx);
    case "join":
      return anyStage([...source.stages.map((s) => s.where), ...(source.until ? [source.until.where] : [])], ctx);
    case "metadata":
      return null;
    case "lookupTable":
      return "none";
    default:
      return assertNever(source);
  }
}

function timePredicate(range: TimeRange | undefined): Pred | null {
  if (!range || (range.earliest === null && range.latest === null)) return null;
  const parts: string[] = [];
  if (range.earliest !== null) parts.push(`_ts >= ${literal(range.earliest)}`);
  if (range.latest !== null) parts.push(`_ts < ${literal(range.latest)}`);
  return { sql: parts.join(" AND "), exact: true };
}
