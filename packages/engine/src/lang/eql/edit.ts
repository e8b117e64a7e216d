/**
 * Programmatic EQL edits through the AST ("filter on this value", "pivot to host", head from the
 * UI). Every helper returns a new query and leaves its input untouched (copy on write), so the
 * printer can reprint untouched parts, comments included, from the original text.
 */
import { QueryError, type Span } from "../errors.ts";
import type { Scalar } from "../../store/types.ts";
import type { CompareOpText, EventQueryNode, ExprNode, FieldNode, PipeNode, QueryNode, StageNode } from "./ast.ts";
import { isPlainName } from "./print.ts";

/** Operators the edit helpers can add. */
export type EditOp = CompareOpText | ":" | "like" | "like~" | "regex" | "regex~" | "in" | "in~" | "not in";

const NOWHERE: Span = { start: 0, end: 0 };

/** A field reference node (backticked when printed if the name needs it). */
export function fieldNode(name: string, optional = false): FieldNode {
  return { kind: "field", name, optional, quoted: !isPlainName(name), index: null, subfield: null, span: NOWHERE };
}

/** A literal node for a scalar value. */
export function literalNode(value: Scalar): ExprNode {
  if (value === null) return { kind: "null", span: NOWHERE };
  if (typeof value === "boolean") return { kind: "boolean", value, span: NOWHERE };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new QueryError(`cannot write ${value} in EQL`, NOWHERE, ["number"]);
    return { kind: "number", value, text: String(value), span: NOWHERE };
  }
  return { kind: "string", value, style: "double", span: NOWHERE };
}

/** The condition `field op value` as an AST node. */
export function conditionNode(field: string, op: EditOp, value: Scalar | Scalar[]): ExprNode {
  const target = fieldNode(field);
  const values = Array.isArray(value) ? value.map(literalNode) : [literalNode(value)];
  const list = Array.isArray(value);
  if (values.length === 0) throw new QueryError("a condition needs at least one value", NOWHERE, ["value"]);
  switch (op) {
    case "in":
    case "in~":
    case "not in":
      return { kind: "in", target, values, negated: op === "not in", insensitive: op === "in~", span: NOWHERE };
    case ":":
    case "like":
    case "like~":
    case "regex":
    case "regex~":
      return { kind: "match", op: op === ":" ? ":" : op.startsWith("like") ? "like" : "regex", insensitive: op.endsWith("~"), target, patterns: values, list, span: NOWHERE };
    default:
      if (values.length !== 1) throw new QueryError(`${op} compares with one value`, NOWHERE, ["value"]);
      return { kind: "compare", op, left: target, right: values[0]!, span: NOWHERE };
  }
}

function andWhere(q: EventQueryNode, cond: ExprNode): EventQueryNode {
  const w = q.where;
  let where: ExprNode;
  if (w.kind === "boolean" && w.value === true) where = cond;
  else if (w.kind === "logical" && w.op === "and") where = { ...w, args: [...w.args, cond], span: NOWHERE };
  else where = { kind: "logical", op: "and", args: [w, cond], span: NOWHERE };
  return { ...q, where, span: NOWHERE };
}

/** Apply `f` to the event query (or to the chosen stage, or every present stage, of a sequence/sample/join). */
function mapQueries(ast: QueryNode, f: (q: EventQueryNode) => EventQueryNode, stage?: number): QueryNode {
  const body = ast.body;
  if (body.kind === "eventQuery") return { ...ast, body: f(body) };
  const stages = body.stages;
  if (stage !== undefined && (stage < 0 || stage >= stages.length || !Number.isInteger(stage))) {
    throw new QueryError(`no stage ${stage} in this ${body.kind} (it has ${stages.length})`, body.span, []);
  }
  const edit = (s: StageNode, i: number): StageNode => (stage === undefined ? !s.missing : i === stage) ? { ...s, query: f(s.query), span: NOWHERE } : s;
  return { ...ast, body: { ...body, stages: stages.map(edit), span: NOWHERE } };
}

/** Add `and field op value` to the query's condition (of one stage, or every present stage of a sequence). */
export function appendWhere(ast: QueryNode, field: string, op: EditOp, value: Scalar | Scalar[], opts: { stage?: number } = {}): QueryNode {
  const cond = conditionNode(field, op, value);
  return mapQueries(ast, (q) => andWhere(q, cond), opts.stage);
}

/** Add `and <expr>` to the query's condition (an AST built by the caller). */
export function appendCondition(ast: QueryNode, cond: ExprNode, opts: { stage?: number } = {}): QueryNode {
  return mapQueries(ast, (q) => andWhere(q, cond), opts.stage);
}

/** Change the event category (`process` → `any`, …) of the query or of one stage. */
export function setCategory(ast: QueryNode, category: string, opts: { stage?: number } = {}): QueryNode {
  const style = isPlainName(category) || category === "any" ? "ident" : "backtick";
  return mapQueries(ast, (q) => ({ ...q, category: { kind: "category", name: category, style, span: NOWHERE }, span: NOWHERE }), opts.stage);
}

/** Append a pipe, e.g. `appendPipe(ast, "unique", [fieldNode("host")])`. */
export function appendPipe(ast: QueryNode, name: string, args: ExprNode[]): QueryNode {
  const pipe: PipeNode = { kind: "pipe", name, nameSpan: NOWHERE, args, span: NOWHERE };
  return { ...ast, pipes: [...ast.pipes, pipe] };
}

/** Remove every pipe with this name. */
export function removePipes(ast: QueryNode, name: string): QueryNode {
  return { ...ast, pipes: ast.pipes.filter((p) => p.name !== name) };
}

/** Set the result limit: replace a trailing `| head N`, or append one. */
export function setHead(ast: QueryNode, n: number): QueryNode {
  if (!Number.isInteger(n) || n < 0) throw new QueryError(`head needs a non-negative whole number, got ${n}`, NOWHERE, ["number"]);
  const last = ast.pipes[ast.pipes.length - 1];
  const pipe: PipeNode = { kind: "pipe", name: "head", nameSpan: NOWHERE, args: [literalNode(n)], span: NOWHERE };
  if (last && last.name === "head") return { ...ast, pipes: [...ast.pipes.slice(0, -1), pipe] };
  return { ...ast, pipes: [...ast.pipes, pipe] };
}

/** Set the sequence/sample/join-level `by` keys (pivot a sequence to a host, a user…). */
export function setJoinKeys(ast: QueryNode, fields: string[]): QueryNode {
  const body = ast.body;
  if (body.kind === "eventQuery") throw new QueryError("only a sequence, sample or join has join keys", body.span, ["sequence"]);
  return { ...ast, body: { ...body, by: fields.map((f) => fieldNode(f)), span: NOWHERE } };
}
