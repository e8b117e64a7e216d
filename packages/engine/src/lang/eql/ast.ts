/**
 * EQL abstract syntax tree. Every node is a discriminated union member with a `kind` and a `span`
 * (character offsets into the query text). Half-typed queries parse with `incomplete: true` on the
 * root and `missing` placeholder nodes where text ran out, so the editor can still help.
 *
 * ASTs are treated as immutable: the edit helpers copy on write, and the printer reuses the original
 * text of every node it recognises as unchanged (which keeps the user's comments and layout).
 */
import type { Span } from "../errors.ts";
import type { Comment, StringStyle } from "./lexer.ts";

export type { Comment, StringStyle };

interface NodeBase {
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/** A field reference: `process.name`, `?optional`, `` `quoted name` ``, `list[1]`, `events[1].pid`. */
export interface FieldNode extends NodeBase {
  kind: "field";
  name: string;
  optional: boolean;
  /** Written in backticks. */
  quoted: boolean;
  /** `name[N]`: an element of a multi-value field (or of `events` after a sequence). */
  index: number | null;
  /** `name[N].sub`: the path after the index. */
  subfield: string | null;
}

export interface StringNode extends NodeBase {
  kind: "string";
  value: string;
  style: StringStyle;
}

export interface NumberNode extends NodeBase {
  kind: "number";
  value: number;
  /** Source text (`4.0` and `4` differ: EQL divides integers as integers). */
  text: string;
}

export interface BooleanNode extends NodeBase {
  kind: "boolean";
  value: boolean;
}

export interface NullNode extends NodeBase {
  kind: "null";
}

export interface NotNode extends NodeBase {
  kind: "not";
  arg: ExprNode;
}

export interface NegNode extends NodeBase {
  kind: "neg";
  arg: ExprNode;
}

/** `a and b and c` as one n-ary node (flat, so long chains never recurse deeply). */
export interface LogicalNode extends NodeBase {
  kind: "logical";
  op: "and" | "or";
  args: ExprNode[];
}

export type CompareOpText = "==" | "=" | "!=" | "<" | "<=" | ">" | ">=";

export interface CompareNode extends NodeBase {
  kind: "compare";
  op: CompareOpText;
  left: ExprNode;
  right: ExprNode;
}

export interface ArithNode extends NodeBase {
  kind: "arith";
  op: "+" | "-" | "*" | "/" | "%";
  left: ExprNode;
  right: ExprNode;
}

/** `x : "a*"`, `x : ("a", "b")`, `x like~ "a*"`, `x regex ("…")`. */
export interface MatchNode extends NodeBase {
  kind: "match";
  op: ":" | "like" | "regex";
  /** The `~` form. */
  insensitive: boolean;
  target: ExprNode;
  patterns: ExprNode[];
  /** Patterns written as a parenthesised list. */
  list: boolean;
}

/** `x in (…)`, `x in~ (…)`, `x not in (…)`. */
export interface InNode extends NodeBase {
  kind: "in";
  target: ExprNode;
  values: ExprNode[];
  negated: boolean;
  insensitive: boolean;
}

/** `name(args)`, `name~(args)`, or Endgame's method form `value:name(args)`. */
export interface CallNode extends NodeBase {
  kind: "call";
  name: string;
  nameSpan: Span;
  insensitive: boolean;
  args: ExprNode[];
  method: boolean;
}

/** Endgame lineage: `descendant of [q]`, `child of [q]`, `event of [q]`. */
export interface LineageNode extends NodeBase {
  kind: "lineage";
  relation: "descendant" | "child" | "event";
  query: EventQueryNode;
}

export interface ParenNode extends NodeBase {
  kind: "paren";
  expr: ExprNode;
}

/** Where text ran out in a half-typed query; `expected` says what could come next. */
export interface MissingNode extends NodeBase {
  kind: "missing";
  expected: string[];
}

export type ExprNode =
  | FieldNode
  | StringNode
  | NumberNode
  | BooleanNode
  | NullNode
  | NotNode
  | NegNode
  | LogicalNode
  | CompareNode
  | ArithNode
  | MatchNode
  | InNode
  | CallNode
  | LineageNode
  | ParenNode
  | MissingNode;

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/** The event category before `where`: `process`, `any`, `` `my cat` ``, `"my cat"`. */
export interface CategoryNode extends NodeBase {
  kind: "category";
  name: string;
  style: "ident" | "backtick" | "string";
}

export interface EventQueryNode extends NodeBase {
  kind: "eventQuery";
  category: CategoryNode;
  where: ExprNode;
}

/** `5s`, `1m`, `500ms`; `unit` null when written without one (Endgame reads seconds). */
export interface DurationNode extends NodeBase {
  kind: "duration";
  value: number;
  unit: string | null;
}

/** One bracketed sub-query of a sequence, sample or join. */
export interface StageNode extends NodeBase {
  kind: "stage";
  query: EventQueryNode;
  by: ExprNode[];
  /** `![ … ]` */
  missing: boolean;
  /** `with runs=N` */
  runs: number | null;
  /** Endgame `fork=true|false`. */
  fork: boolean | null;
}

export interface SequenceNode extends NodeBase {
  kind: "sequence";
  by: ExprNode[];
  maxspan: DurationNode | null;
  stages: StageNode[];
  until: StageNode | null;
}

export interface SampleNode extends NodeBase {
  kind: "sample";
  by: ExprNode[];
  stages: StageNode[];
}

export interface JoinNode extends NodeBase {
  kind: "join";
  by: ExprNode[];
  stages: StageNode[];
  until: StageNode | null;
}

/** A pipe: `| head 5`, `| unique a, b`, `| filter x > 1`. Arguments are validated when lowering. */
export interface PipeNode extends NodeBase {
  kind: "pipe";
  name: string;
  nameSpan: Span;
  args: ExprNode[];
}

export type QueryBody = EventQueryNode | SequenceNode | SampleNode | JoinNode;

export interface QueryNode extends NodeBase {
  kind: "query";
  body: QueryBody;
  pipes: PipeNode[];
  /** Every comment of the source, in order. */
  comments: Comment[];
  /** The source text the spans point into. */
  source: string;
  /** True when text ran out before the query was complete (see MissingNode). */
  incomplete: boolean;
}

export type EqlNode =
  | ExprNode
  | CategoryNode
  | EventQueryNode
  | DurationNode
  | StageNode
  | SequenceNode
  | SampleNode
  | JoinNode
  | PipeNode
  | QueryNode;
