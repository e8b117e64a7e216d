/**
 * Hover help in offsets: what the token under the cursor is (field, function, pipe, keyword) with a
 * short description; the editor adapter only converts the span to positions.
 */
import type { Span } from "../errors.ts";
import type { EqlNode, QueryNode } from "./ast.ts";
import { eqlFunction } from "./functions.ts";
import { childrenOf } from "./walk.ts";

export interface EqlHover {
  span: Span;
  kind: "field" | "function" | "pipe" | "category" | "operator";
  title: string;
  doc: string;
}

/** Syntax and meaning of each pipe, for hover and completion details. */
export const EQL_PIPES: Record<string, { syntax: string; doc: string }> = {
  head: { syntax: "| head N", doc: "the first N results" },
  tail: { syntax: "| tail N", doc: "the last N results" },
  count: { syntax: "| count [field, …]", doc: "Endgame: count results, per distinct value of the fields" },
  unique: { syntax: "| unique field, …", doc: "Endgame: the first result per distinct value of the fields" },
  unique_count: { syntax: "| unique_count field, …", doc: "Endgame: unique, with a count of each value" },
  filter: { syntax: "| filter condition", doc: "Endgame: keep the results where the condition holds" },
  sort: { syntax: "| sort field, …", doc: "Endgame: order the results by the fields" },
};

const OPERATORS: Record<string, string> = {
  ":": "case-insensitive equality; with * or ? a wildcard match",
  like: "case-sensitive wildcard match (* and ?); like~ ignores case",
  regex: "case-sensitive regular expression match (whole value, Lucene syntax); regex~ ignores case",
  in: "membership in a list (case-sensitive); in~ ignores case",
};

function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end && span.end > span.start;
}

/** Hover information for the innermost interesting node at `offset`, or null. */
export function eqlHoverAt(ast: QueryNode, offset: number): EqlHover | null {
  let node: EqlNode = ast;
  for (let guard = 0; guard < 10_000; guard++) {
    const next: EqlNode | undefined = childrenOf(node).find((k) => contains(k.span, offset));
    if (!next) break;
    node = next;
    if (node.kind === "call" && contains(node.nameSpan, offset)) {
      const f = eqlFunction(node.name);
      return { span: node.nameSpan, kind: "function", title: f ? `${f.signature}${f.tilde ? "  (also " + f.name + "~)" : ""}` : node.name, doc: f ? f.doc : "unknown function" };
    }
    if (node.kind === "pipe" && contains(node.nameSpan, offset)) {
      const p = EQL_PIPES[node.name];
      return { span: node.nameSpan, kind: "pipe", title: p ? p.syntax : `| ${node.name}`, doc: p ? p.doc : "unknown pipe" };
    }
  }
  switch (node.kind) {
    case "field": {
      const name = node.name.endsWith(".keyword") ? node.name.slice(0, -8) : node.name;
      return { span: node.span, kind: "field", title: name, doc: node.optional ? "optional field: no error when absent" : "field" };
    }
    case "category":
      return { span: node.span, kind: "category", title: node.name, doc: node.name === "any" ? "events of any category" : `events whose category is ${node.name}` };
    case "match":
    case "in": {
      const op = node.kind === "in" ? "in" : node.op;
      return { span: node.span, kind: "operator", title: op, doc: OPERATORS[op] ?? op };
    }
    default:
      return null;
  }
}
