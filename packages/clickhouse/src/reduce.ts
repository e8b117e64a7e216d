/**
 * Event-reducing pushdowns: when the first pipe after an exact search only keeps some events
 * (`head N`, `tail N`, `dedup F…`), ClickHouse sorts and cuts the selection (`ORDER BY … LIMIT N`,
 * `LIMIT 1 BY …`) so only the events that pipe can keep come back; the local executor then runs
 * the whole pipeline on them. The SQL keeps a superset of the kept events in the order the local
 * engine sees them (newest first: (time, seq) descending, events without a time last), so the
 * answer is the local one by construction, whatever the shards return.
 */
import type { Pipe, QueryPlan } from "@quarry/engine";
import { fieldSql, withLiveSegments, type CompileContext, type Pred } from "./compile.ts";

/** How a fetch is cut in ClickHouse. */
export interface Reduction {
  mode: "head" | "tail" | "dedup" | "sort";
  /** Extra WHERE conditions (ANDed). */
  where: string[];
  /** ORDER BY … LIMIT … [BY …] appended to the event SELECT. */
  tail: string;
  /** Whether the run reports how many events the search selected (SPL `scanned`): counted in SQL. */
  count: boolean;
}

/** Newest first, as SPL materialises events: time descending, then seq descending, no time last. */
export const NEWEST_FIRST = "isNull(_ts), _ts DESC, _seq DESC";
/** The reverse of NEWEST_FIRST (events without a time first). */
const OLDEST_FIRST = "isNull(_ts) DESC, _ts ASC, _seq ASC";

/** Largest LIMIT pushed down; beyond it the cut saves nothing worth the risk of a huge sort. */
const MAX_LIMIT = 1_000_000;

/** The cut for `plan` when its search is exact in SQL and its first pipe only keeps some events; else null. */
export function eventReduction(plan: QueryPlan, pred: Pred | null, ctx: CompileContext): Reduction | null {
  if (plan.source.kind !== "events") return null;
  const exact = pred === null ? plan.source.where.kind === "literal" && plan.source.where.value === true : pred.exact;
  if (!exact) return null;
  const first = plan.pipes[0];
  if (!first) return null;
  // Fields resolve over the segments the search can match (a field typed differently elsewhere does not matter).
  return pipeReduction(first, plan.pipes[1], withLiveSegments(plan, ctx));
}

function pipeReduction(p: Pipe, next: Pipe | undefined, ctx: CompileContext): Reduction | null {
  switch (p.kind) {
    case "sort":
      return sortReduction(p, next, ctx);
    case "head":
      if (!Number.isInteger(p.n) || p.n < 0 || p.n > MAX_LIMIT) return null;
      return { mode: "head", where: [], tail: `ORDER BY ${NEWEST_FIRST} LIMIT ${p.n}`, count: true };
    case "tail":
      if (!Number.isInteger(p.n) || p.n < 0 || p.n > MAX_LIMIT) return null;
      return { mode: "tail", where: [], tail: `ORDER BY ${OLDEST_FIRST} LIMIT ${p.n}`, count: true };
    case "dedup":
      return dedupReduction(p, ctx);
    default:
      return null;
  }
}

/**
 * `sort [N] K… [| head M]` keeps the first min(N, M) rows in key order, ties in input order (newest
 * first), missing values last in either direction. Exact in SQL for numeric columns (Splunk
 * compares numbers numerically; text order has numeric-text and UTF-16 rules SQL does not share).
 */
function sortReduction(p: Extract<Pipe, { kind: "sort" }>, next: Pipe | undefined, ctx: CompileContext): Reduction | null {
  const head = next?.kind === "head" && !next.while ? next.n : undefined;
  const limits = [p.limit, head].filter((n): n is number => n !== undefined);
  if (limits.length === 0 || p.keys.length === 0) return null;
  const n = Math.min(...limits);
  if (!Number.isInteger(n) || n < 0 || n > MAX_LIMIT) return null;
  const order: string[] = [];
  for (const k of p.keys) {
    const e = k.expr;
    if (e.kind !== "field" || e.index !== undefined || e.event !== undefined || e.name.startsWith("_")) return null;
    const f = fieldSql(e.name, ctx);
    if (!f || f.type !== "Nullable(Float64)") return null;
    order.push(`isNull(${f.sql})`, `${f.sql}${k.descending ? " DESC" : ""}`);
  }
  return { mode: "sort", where: [], tail: `ORDER BY ${order.join(", ")}, ${NEWEST_FIRST} LIMIT ${n}`, count: true };
}

/**
 * `dedup F…` keeps the newest event of each combination of values. `LIMIT 1 BY` on the stored
 * values keeps the newest event of each combination of stored values — a finer grouping (equal
 * stored values always give equal local keys), so every event the local dedup keeps comes back.
 * Events missing a field are dropped (or, with keepempty, all kept: the BY key then includes `_seq`).
 */
function dedupReduction(p: Extract<Pipe, { kind: "dedup" }>, ctx: CompileContext): Reduction | null {
  if (p.consecutive || p.fields.length === 0) return null;
  const keys: string[] = [];
  for (const name of p.fields) {
    // `_time`, `_raw` and other underscore fields are made by the executor, not stored columns.
    if (name.startsWith("_") || name.includes("*")) return null;
    const f = fieldSql(name, ctx);
    if (!f || f.type === "Array(String)") return null;
    keys.push(f.sql);
  }
  const nulls = keys.map((k) => `isNull(${k})`).join(" OR ");
  if (p.keepEmpty) {
    return { mode: "dedup", where: [], tail: `ORDER BY ${NEWEST_FIRST} LIMIT 1 BY ${keys.join(", ")}, if(${nulls}, _seq, 0)`, count: true };
  }
  return { mode: "dedup", where: keys.map((k) => `isNotNull(${k})`), tail: `ORDER BY ${NEWEST_FIRST} LIMIT 1 BY ${keys.join(", ")}`, count: true };
}

/** The EQL request settings a cut depends on. */
export interface EqlCutOptions {
  size: number;
  timestampField: string;
  tiebreakerField: string | null;
}

/**
 * EQL event queries (`… where …` with no pipe, or one `| head N`) return the first `size` events
 * ordered by the timestamp field, the tiebreaker, then seq; with one `| tail N`, the last
 * min(N, size) in that order. The cut applies when that order has an exact SQL form: both fields
 * are numeric columns wherever they exist (the engine orders by numbers as stored; text
 * timestamps are parsed by the engine, so they stay local), and a segment without the timestamp
 * field orders by ingest time (`_ts`), as the engine does.
 */
export function eqlReduction(plan: QueryPlan, pred: Pred | null, outer: CompileContext, opts: EqlCutOptions): Reduction | null {
  if (plan.source.kind !== "events") return null;
  const exact = pred === null ? plan.source.where.kind === "literal" && plan.source.where.value === true : pred.exact;
  if (!exact) return null;
  let limit = Math.max(0, Math.floor(opts.size));
  if (plan.pipes.length > 1) return null;
  const pipe = plan.pipes[0];
  if (pipe) {
    if ((pipe.kind !== "head" || pipe.while) && pipe.kind !== "tail") return null;
    if (!Number.isInteger(pipe.n) || pipe.n < 0) return null;
    limit = Math.min(limit, pipe.n);
  }
  const fromEnd = pipe?.kind === "tail";
  // size 0 asks for the total alone, which only the whole selection gives.
  if (limit === 0 || limit > MAX_LIMIT) return null;
  const ctx = withLiveSegments(plan, outer);
  const ts = numericKey(opts.timestampField, ctx, "_ts");
  if (ts === null) return null;
  const tb = opts.tiebreakerField === null ? null : numericKey(opts.tiebreakerField, ctx, "NULL");
  if (opts.tiebreakerField !== null && tb === null) return null;
  // The engine's order: timestamp, tiebreaker (missing last), seq; a tail takes it backwards.
  const dir = fromEnd ? " DESC" : "";
  const order = [`isNull(${ts})`, `${ts}${dir}`, ...(tb ? [`isNull(${tb})${dir}`, `${tb}${dir}`] : []), `_seq${dir}`].join(", ");
  // Events without a timestamp are not EQL events: they sort last either way, taking no place before a keyed one.
  // The local run keeps `size` events (its total counts those), so the cut events give the same total.
  return { mode: fromEnd ? "tail" : "head", where: [], tail: `ORDER BY ${order} LIMIT ${limit}`, count: false };
}

/** A field's order key in SQL when it is a number column in every live segment that has it; `absent` where a segment lacks it. */
function numericKey(name: string, ctx: CompileContext, absent: string): string | null {
  const f = fieldSql(name, ctx);
  if (!f) return null;
  if (f.sql === "NULL") return absent;
  if (f.type !== "Nullable(Float64)") return null;
  const lacking: number[] = [];
  for (const seg of ctx.info.segments) {
    if (ctx.live && !ctx.live.has(seg.id)) continue;
    const stored = new Set(seg.columns.map((c) => c[0]));
    const alias = seg.aliases.find(([a]) => a === name)?.[1];
    if (!stored.has(name) && !(alias !== undefined && stored.has(alias))) lacking.push(seg.id);
  }
  if (lacking.length === 0 || absent === "NULL") return f.sql;
  return `if(_segment IN (${lacking.join(", ")}), ${absent}, ${f.sql})`;
}
