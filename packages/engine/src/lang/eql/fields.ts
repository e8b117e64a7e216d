/**
 * The fields a query refers to, with their spans: for unknown-field diagnostics (Elastic reports
 * `Unknown column` for a non-optional field missing from the mapping), hover and highlighting.
 */
import { QueryError, type Span } from "../errors.ts";
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

/** Edit distance, capped: returns `cap + 1` as soon as the distance must exceed `cap`. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Elasticsearch-style diagnostics for fields the data does not have: one positioned QueryError per
 * non-optional reference missing from `known` (`Unknown column [x]`, with a suggestion when a known
 * name is a small edit away). `?field` references are never reported. The caller decides whether
 * these are errors (Elastic) or warnings.
 */
export function unknownEqlFields(root: EqlNode, known: Iterable<string>): QueryError[] {
  const names = known instanceof Set ? (known as Set<string>) : new Set(known);
  const out: QueryError[] = [];
  for (const ref of eqlFieldRefs(root)) {
    if (ref.optional || names.has(ref.name)) continue;
    const cap = Math.max(1, Math.floor(ref.name.length / 4));
    let best: string[] = [];
    let bestD = cap + 1;
    for (const n of names) {
      const d = distance(ref.name, n, Math.min(cap, bestD));
      if (d < bestD) {
        bestD = d;
        best = [n];
      } else if (d === bestD && d <= cap) best.push(n);
    }
    best.sort();
    const hint = best.length === 0 ? "" : best.length === 1 ? `, did you mean [${best[0]}]?` : `, did you mean any of [${best.slice(0, 5).join(", ")}]?`;
    out.push(new QueryError(`Unknown column [${ref.name}]${hint}`, ref.span, best));
  }
  return out;
}
