/**
 * Read-only traversal of the EQL AST: `childrenOf` lists a node's direct children (one exhaustive
 * switch), `walkEql` visits every node depth-first with an explicit stack (no recursion, so very
 * long queries cannot overflow it).
 */
import { assertNever } from "../plan.ts";
import type { EqlNode, MissingNode } from "./ast.ts";

/** Direct children of a node, in source order. */
export function childrenOf(node: EqlNode): EqlNode[] {
  switch (node.kind) {
    case "field":
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "missing":
    case "category":
    case "duration":
      return [];
    case "not":
    case "neg":
      return [node.arg];
    case "logical":
      return node.args;
    case "compare":
    case "arith":
      return [node.left, node.right];
    case "match":
      return [node.target, ...node.patterns];
    case "in":
      return [node.target, ...node.values];
    case "call":
      return node.args;
    case "lineage":
      return [node.query];
    case "paren":
      return [node.expr];
    case "eventQuery":
      return [node.category, node.where];
    case "stage":
      return [node.query, ...node.by];
    case "sequence":
      return [...node.by, ...(node.maxspan ? [node.maxspan] : []), ...node.stages, ...(node.until ? [node.until] : [])];
    case "sample":
      return [...node.by, ...node.stages];
    case "join":
      return [...node.by, ...node.stages, ...(node.until ? [node.until] : [])];
    case "pipe":
      return node.args;
    case "query":
      return [node.body, ...node.pipes];
    default:
      return assertNever(node);
  }
}

/** Visit every node depth-first, parents before children; return false from `visit` to skip a subtree. */
export function walkEql(root: EqlNode, visit: (node: EqlNode) => boolean | void): void {
  const stack: EqlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const kids = childrenOf(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** The first placeholder left by a half-typed query, if any. */
export function firstMissing(root: EqlNode): MissingNode | null {
  let found: MissingNode | null = null;
  walkEql(root, (n) => {
    if (found) return false;
    if (n.kind === "missing") found = n;
    return undefined;
  });
  return found;
}

/** One optional callback per node kind, for read-only analyses. */
export type EqlVisitor = { [K in EqlNode["kind"]]?: (node: Extract<EqlNode, { kind: K }>) => void };

/** Call the visitor's callback for each node of its kind, depth-first in source order. */
export function visitEql(root: EqlNode, visitor: EqlVisitor): void {
  walkEql(root, (node) => {
    const f = visitor[node.kind] as ((n: EqlNode) => void) | undefined;
    f?.(node);
  });
}
