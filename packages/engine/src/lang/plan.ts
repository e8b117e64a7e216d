/**
 * The shared logical plan. EQL and SPL both compile to it; executors (local store, ClickHouse)
 * run it and never see query text. Every node is a discriminated union member with a `kind`;
 * passes switch exhaustively and end in `assertNever`.
 *
 * Semantics are explicit in the nodes, not implied by the source language: case sensitivity is a
 * flag, wildcards and regexes are distinct nodes, and missing values follow three-valued logic
 * (a comparison with a missing field is null; a filter keeps rows whose condition is true).
 */
import type { Scalar } from "../store/types.ts";
import type { Span } from "./errors.ts";

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithOp = "+" | "-" | "*" | "/" | "%";

export type Expr =
  /**
   * A field; `optional` is EQL's `?field` (no unknown-field error). EQL extras: `index` is `name[N]`
   * (the Nth value of a multi-value field, 0-based); `event` is `events[N].name` in a pipe after a
   * sequence (the field of the sequence's Nth event, 0-based).
   */
  | { kind: "field"; name: string; optional?: boolean; span?: Span; index?: number; event?: number }
  /** `float` marks an EQL number written with a decimal point or exponent (`4.0`): integer division applies only between integers. */
  | { kind: "literal"; value: Scalar; span?: Span; float?: boolean }
  | { kind: "not"; arg: Expr }
  | { kind: "and"; args: Expr[] }
  | { kind: "or"; args: Expr[] }
  /** Comparison; on multi-value fields true when any value satisfies it. */
  | { kind: "compare"; op: CompareOp; left: Expr; right: Expr; caseInsensitive: boolean }
  /** `*` and `?` wildcard patterns (any one matches). */
  | { kind: "wildcard"; target: Expr; patterns: string[]; caseInsensitive: boolean }
  /** Regular expressions, whole-value match (Lucene semantics), any one matches. */
  | { kind: "regex"; target: Expr; patterns: string[]; caseInsensitive: boolean }
  /** Membership in a list of values. */
  | { kind: "in"; target: Expr; values: Expr[]; caseInsensitive: boolean }
  | { kind: "isNull"; arg: Expr }
  | { kind: "arith"; op: ArithOp; left: Expr; right: Expr }
  | { kind: "neg"; arg: Expr }
  /** A function from the executor's function registry (EQL and SPL functions are registered by name). */
  | { kind: "call"; name: string; args: Expr[]; caseInsensitive?: boolean }
  /** SPL bare search term: matched case-insensitively against `_raw`, with `*` wildcards. */
  | { kind: "term"; text: string; phrase: boolean }
  /**
   * Endgame EQL lineage, true for an event whose process is related to a process that had an event
   * matching `query`: `descendant` (any ancestor's event matched), `child` (the parent's), `event`
   * (the same process's). Processes are identified by `unique_pid`/`unique_ppid` in Endgame data.
   */
  | { kind: "lineage"; relation: "descendant" | "child" | "event"; query: Expr }
  /** Endgame `arraySearch`/`arrayCount` predicate: `body` evaluated with `param` bound to each element. */
  | { kind: "lambda"; param: string; body: Expr }
  /** Inside a lambda body: the bound element (`path` "") or a sub-field of it (`path` "a.b" for `param.a.b`). */
  | { kind: "lambdaVar"; param: string; path: string };

// ---------------------------------------------------------------------------------------------
// Query plans
// ---------------------------------------------------------------------------------------------

/** Inclusive-exclusive time bounds in ms since the epoch (null = open). */
export interface TimeRange {
  earliest: number | null;
  latest: number | null;
}

export interface SortKey {
  expr: Expr;
  descending: boolean;
}

/**
 * A whole query: where the rows come from, then pipes in order. Sources produce events (or EQL
 * sequences); pipes transform events or, after an aggregation, result rows.
 */
export interface QueryPlan {
  source: Source;
  pipes: Pipe[];
  /** Time bounds applied to the source events (SPL earliest/latest, UI time picker). */
  timeRange?: TimeRange;
}

export type Source =
  /** Events matching a condition, in (time, tiebreaker) order. */
  | { kind: "events"; where: Expr }
  /** EQL sequence: ordered stages joined by keys within an optional max span. */
  | { kind: "sequence"; stages: SequenceStage[]; until: SequenceStage | null; maxspanMs: number | null }
  /** EQL sample: events sharing join keys, in no particular order. */
  | { kind: "sample"; stages: SampleStage[] }
  /**
   * Endgame EQL join: one event per stage sharing the join keys, in any time order; `until` ends the
   * join for its keys. Stage keys include the join-level `by` keys first.
   */
  | { kind: "join"; stages: SampleStage[]; until: SampleStage | null }
  /** SPL `| metadata type=...`. */
  | { kind: "metadata"; type: "sourcetypes" | "hosts" | "sources" }
  /** SPL `| inputlookup name`. */
  | { kind: "lookupTable"; table: string }
  /** SPL `| tstats count ... by ...` over indexed fields; `where` filters events first. */
  | { kind: "tstats"; where: Expr; aggregations: Aggregation[]; by: string[]; spanMs?: number | null; prestats?: boolean };

export interface SequenceStage {
  where: Expr;
  /** Join keys for this stage (sequence-level `by` keys come first). */
  keys: Expr[];
  /** `![ ... ]`: a missing event. */
  missing: boolean;
  /** `with runs=N`. */
  runs: number;
  /** Endgame `fork=true`: an event matching this stage may continue several partial sequences. */
  fork?: boolean;
}

export interface SampleStage {
  where: Expr;
  keys: Expr[];
}

export interface Aggregation {
  /** count, dc, sum, avg, min, max, values, list, earliest, latest, first, last, perc<N>, median, stdev, range, mode… */
  fn: string;
  /** Argument (null for plain `count`). */
  arg: Expr | null;
  /** Output column name. */
  as: string;
}

export type Pipe =
  | { kind: "head"; n: number; while?: Expr }
  | { kind: "tail"; n: number }
  | { kind: "where"; expr: Expr }
  | { kind: "sort"; keys: SortKey[]; limit?: number }
  | { kind: "eval"; assignments: Array<{ field: string; expr: Expr }> }
  | { kind: "stats"; aggregations: Aggregation[]; by: string[]; mode: "stats" | "eventstats" | "streamstats" }
  | { kind: "timechart"; spanMs: number | null; aggregations: Aggregation[]; by: string | null; limit: number; useOther: boolean; useNull?: boolean }
  | { kind: "chart"; aggregations: Aggregation[]; over: string; by: string | null; limit: number; useOther: boolean; useNull?: boolean }
  | { kind: "top" | "rare"; fields: string[]; by: string[]; limit: number; showPercent: boolean; showCount: boolean; countField?: string; percentField?: string }
  | { kind: "dedup"; fields: string[]; keepEmpty: boolean; consecutive: boolean }
  | { kind: "fields"; mode: "keep" | "remove"; patterns: string[] }
  | { kind: "table"; patterns: string[] }
  | { kind: "rename"; pairs: Array<{ from: string; to: string }> }
  | { kind: "reverse" }
  | { kind: "rex"; field: string; pattern: string; mode: "extract" | "sed"; maxMatch: number }
  | { kind: "bin"; field: string; spanMs: number | null; span: number | null; bins: number | null; as: string }
  | { kind: "untable"; rowField: string; columnField: string; valueField: string }
  | { kind: "xyseries"; rowField: string; columnField: string; valueFields: string[] }
  | { kind: "addtotals"; row: boolean; col: boolean; fieldname: string; fields: string[]; labelField?: string; label?: string }
  | { kind: "fillnull"; value: string; fields: string[] }
  | { kind: "mvexpand"; field: string; limit: number | null }
  | { kind: "makemv"; field: string; delim: string | null; tokenizer: string | null }
  | { kind: "spath"; input: string; path: string | null; output: string | null }
  | { kind: "lookup"; table: string; matchFields: Array<{ tableField: string; eventField: string }>; outputFields: Array<{ tableField: string; as: string }> }
  | { kind: "foreach"; patterns: string[]; body: Pipe[] }
  | { kind: "transaction"; fields: string[]; maxspanMs: number | null; startswith: Expr | null; endswith: Expr | null }
  /** EQL pipes from the Endgame dialect. */
  | { kind: "count"; fields: Expr[] }
  | { kind: "unique"; fields: Expr[] }
  | { kind: "uniqueCount"; fields: Expr[] };

/** Exhaustiveness guard for switches over plan nodes. */
export function assertNever(x: never): never {
  throw new Error(`unhandled plan node: ${JSON.stringify(x)}`);
}
