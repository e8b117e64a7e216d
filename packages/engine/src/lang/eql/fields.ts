/**
 * The fields a query refers to, with their spans: for unknown-field diagnostics (Elastic reports
 * `Unknown column` for a non-optional field missing from the mapping), hover and highlighting.
 */
import type { Span } from "../errors.ts";
import type { EqlNode } from "./ast.ts";
import { childrenOf } from "./walk.ts";

export interface EqlFieldRef {
  /** The field as the executor sees it (`.keyword` dropped; `events[N].x` gives `x`). */
  name: string;
  span: Span;
  /** Written `?name`: no unknown-field error. */
  optional: boolean;
}

const LAMBDA_FUNCTIONS = new Set(["arraysearch", "arraycount"]);

/** Every field reference in a query or expression, in source order (lambda variables excluded). */
export function eqlFieldRefs(root: EqlNode): EqlFieldRef[] {
  const out: EqlFieldRef[] = [];
  const stack: Array<{ node: EqlNode; scope: readonly string[] }> = [{ node: root, scope: [] }];
  while (stack.length > 0) {
    const { node, scope } = stack.pop()!;
    if (node.kind === "field") {
      const base = node.index !== null && node.subfield !== null && node.name === "events" ? node.subfield : node.name;
      const name = base.length > 8 && base.endsWith(".keyword") ? base.slice(0, -8) : base;
      if (!scope.includes(name.split(".")[0]!)) out.push({ name, span: node.span, optional: node.optional });
      continue;
    }
    let kids: Array<{ node: EqlNode; scope: readonly string[] }>;
    const variable = node.kind === "call" && LAMBDA_FUNCTIONS.has(node.name.toLowerCase()) ? node.args[1] : undefined;
    if (node.kind === "call" && variable?.kind === "field") {
      // arraySearch(list, v, body): `v` is a variable, bound inside `body` only.
      kids = node.args.map((a, i) => ({ node: a, scope: i === 2 ? [...scope, variable.name] : scope })).filter((_, i) => i !== 1);
    } else kids = childrenOf(node).map((n) => ({ node: n, scope }));
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}
