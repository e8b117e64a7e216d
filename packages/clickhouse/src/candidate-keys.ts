/**
 * Candidate join keys in SQL: a sequence, sample or join can only produce a result for a join key
 * that has, for every positive stage, an event matching that stage. The first phase of a
 * two-phase run then fetches only the events of such keys — a strict superset of the events that
 * can take part in a result, since per-key state never crosses keys (sequences, samples and joins
 * are computed key by key and ordered by their own events). At 1M generated events the bench
 * sequence's stages select 129k events of 2,937 pids; 29 pids have all three event codes, 8,784
 * events.
 *
 * The key is grouped in SQL by a canonical text C(v) that is never finer than the engine's key
 * equality (keys.ts: a number and its decimal text are one key — "7", "+7", "007", " 7", 7.0 — and
 * other text is compared as is), so two events with one engine key always have one C:
 * - a whole number below 1e15 (a number column, or text that trims to digits with a sign, at most
 *   15 characters) is its decimal form, exact in both languages;
 * - any other number (fractions, longer digit runs, 1e21…) is `~awk`, a value whose engine key
 *   might equal a whole number's; an `~awk` event counts for its stages under every key (its
 *   bits are OR-ed into every group's) and is always kept;
 * - other text is itself (text that is a number only after dropping characters other than digits,
 *   signs and dots, such as "pid 7", may join the group of 7: grouping coarser is safe).
 * A missing key value is not a key (the engine skips events without one unless the key is
 * optional, which is not filtered here). Several keys: their Cs joined by U+001F, `~awk` when one is.
 *
 * Only applied when that reasoning holds: every stage (missing-event `![…]` and `until` stages
 * included) joins on the same plain, non-optional fields, each stored in every segment as a
 * number or a single text column (not multi-value, not an object of sub-fields), and no mapping
 * is applied (a mapping's `index` is decided by a segment's first selected event, its date formats
 * key dates by instant). Dropping events changes nothing else the engine reads, except the
 * endgame dialect's FILETIME detection for `maxspan` (the first timestamp it sees), so that case
 * keeps every event unless the request gives `timeUnitsPerMs`.
 */
import type { EqlOptions, Expr, QueryPlan } from "@quarry/engine";
import { compilePredicate, type CompileContext } from "./compile.ts";
import type { DatasetInfo } from "./layout.ts";
import { ident, literal } from "./sql.ts";

/** The canonical key of an event that may equal a whole number's key (see above). */
export const AWKWARD_KEY = "~awk";

interface KeyStage {
  where: Expr;
  keys: Expr[];
  /** Positive stages must all be present under a key for it to produce anything. */
  required: boolean;
}

function stagesOf(plan: QueryPlan): KeyStage[] | null {
  const s = plan.source;
  switch (s.kind) {
    case "sequence":
      return [...s.stages.map((st) => ({ where: st.where, keys: st.keys, required: !st.missing })), ...(s.until ? [{ where: s.until.where, keys: s.until.keys, required: false }] : [])];
    case "sample":
      return s.stages.map((st) => ({ where: st.where, keys: st.keys, required: true }));
    case "join":
      return [...s.stages.map((st) => ({ where: st.where, keys: st.keys, required: true })), ...(s.until ? [{ where: s.until.where, keys: s.until.keys, required: false }] : [])];
    default:
      return null;
  }
}

/**
 * A WHERE condition keeping only the events of candidate keys, or null when the filter is not
 * provably a superset here. `events` is the quoted events table, `selection` the first phase's
 * WHERE (committed loads, the plan's predicate).
 */
export function candidateKeyFilter(plan: QueryPlan, ctx: CompileContext, opts: EqlOptions, mapped: boolean, events: string, selection: string): string | null {
  if (mapped) return null;
  const stages = stagesOf(plan);
  if (!stages || stages.length === 0) return null;
  if (plan.source.kind === "sequence" && plan.source.maxspanMs !== null && opts.dialect === "endgame" && opts.timeUnitsPerMs === undefined) return null;
  const keyNames = plainKeys(stages[0]!.keys);
  if (!keyNames || keyNames.length === 0) return null;
  for (const st of stages) {
    const names = plainKeys(st.keys);
    if (!names || names.length !== keyNames.length || names.some((n, i) => n !== keyNames[i])) return null;
  }
  const parts: string[] = [];
  for (const name of keyNames) {
    const c = canonicalKey(name, ctx.info);
    if (c === null) return null;
    parts.push(c);
  }
  const key = parts.length === 1 ? parts[0]! : tupleKey(parts);
  // One bit per distinct stage query (runs=N repeats share one); only positive stages are required.
  const wheres: Expr[] = [];
  const bitOf = (e: Expr): number => {
    let i = wheres.indexOf(e);
    if (i < 0) i = wheres.push(e) - 1;
    return i;
  };
  let required = 0;
  for (const st of stages) if (st.required) required |= 2 ** bitOf(st.where);
  if (wheres.length > 30) return null;
  const bits = wheres.map((w, i) => {
    const p = compilePredicate(w, ctx);
    // A stage without an SQL form may match any event: it counts everywhere (a superset).
    return p === null ? `${2 ** i}` : `multiIf((${p.sql}), ${2 ** i}, 0)`;
  });
  const stageBits = `toUInt32(${bits.join(" + ")})`;
  const awk = literal(AWKWARD_KEY);
  const groups = `SELECT ${key} AS k, groupBitOr(${stageBits}) AS b FROM ${events} WHERE ${selection} AND isNotNull(k) GROUP BY k`;
  // The `~awk` group's bits count for every key; only one such group exists.
  const candidates =
    `SELECT k FROM (SELECT groupArray(k) AS ks, groupArray(b) AS bs FROM (${groups})) ARRAY JOIN ks AS k, bs AS b ` +
    `WHERE bitAnd(bitOr(b, arraySum(arrayMap((x, y) -> if(x = ${awk}, y, 0), ks, bs))), ${required}) = ${required}`;
  return `(${key} GLOBAL IN (${candidates}) OR ${key} = ${awk})`;
}

/** The names of key expressions that are all plain, non-optional fields; else null. */
function plainKeys(keys: Expr[]): string[] | null {
  const out: string[] = [];
  for (const k of keys) {
    if (k.kind !== "field" || k.optional || k.index !== undefined || k.event !== undefined || k.name === "_raw") return null;
    out.push(k.name);
  }
  return out;
}

/** C(field) over every segment (multiIf by segment), or null when a segment stores it in a way C does not cover. */
function canonicalKey(name: string, info: DatasetInfo): string | null {
  const groups = new Map<string, { expr: string; ids: number[] }>();
  for (const seg of info.segments) {
    const stored = new Map(seg.columns.map((c) => [c[0], c]));
    let entry = stored.get(name);
    if (!entry) {
      const alias = seg.aliases.find(([a]) => a === name)?.[1];
      if (alias !== undefined) entry = stored.get(alias);
    }
    if (!entry) {
      // An object of sub-fields reads as JSON text locally; a segment without the field has no key.
      if ([...stored.keys()].some((k) => k.startsWith(name + "."))) return null;
      continue;
    }
    const [, kind, , col] = entry;
    const type = info.columns.get(col)?.type;
    let expr: string;
    if (kind === "num" && type === "Nullable(Float64)") expr = numberKey(ident(col));
    else if (kind === "str" && type === "Nullable(String)") expr = textKey(ident(col));
    else return null;
    const g = groups.get(expr);
    if (g) g.ids.push(seg.id);
    else groups.set(expr, { expr, ids: [seg.id] });
  }
  if (groups.size === 0) return "CAST(NULL AS Nullable(String))";
  const branches = [...groups.values()].map((g) => `_segment IN (${g.ids.map((i) => literal(i)).join(", ")}), ${g.expr}`);
  return `multiIf(${branches.join(", ")}, CAST(NULL AS Nullable(String)))`;
}

/** C of a number column: a whole number below 1e15 as its decimal form, other numbers `~awk`. */
function numberKey(x: string): string {
  return `if(isNull(${x}), CAST(NULL AS Nullable(String)), if(assumeNotNull(${x}) = floor(assumeNotNull(${x})) AND abs(assumeNotNull(${x})) < 1e15, toString(toInt64(assumeNotNull(${x}))), ${literal(AWKWARD_KEY)}))`;
}

/** C of a text column: its number characters read as a whole number (≤ 15 characters), `~awk` for other numbers, else the text. */
function textKey(x: string): string {
  const digits = `replaceRegexpAll(assumeNotNull(${x}), '[^0-9+.\\\\-]', '')`;
  return (
    `if(isNull(${x}), CAST(NULL AS Nullable(String)), multiIf(match(${digits}, '^[+-]?[0-9]{1,15}$'), toString(toInt64OrZero(${digits})), ` +
    `match(${digits}, '^[+-]?[0-9]+([.][0-9]+)?$'), ${literal(AWKWARD_KEY)}, assumeNotNull(${x})))`
  );
}

/** C of several keys: `~awk` when one is, else the parts joined by U+001F; NULL when one is missing. */
function tupleKey(parts: string[]): string {
  const nulls = parts.map((p) => `isNull(${p})`).join(" OR ");
  const awk = parts.map((p) => `assumeNotNull(${p}) = ${literal(AWKWARD_KEY)}`).join(" OR ");
  return `if(${nulls}, CAST(NULL AS Nullable(String)), if(${awk}, ${literal(AWKWARD_KEY)}, concat(${parts.map((p) => `assumeNotNull(${p})`).join(", '\\x1F', ")})))`;
}
