/**
 * Which AST nodes came straight from the parser, and from which text. The printer reuses the
 * original text of such nodes (keeping comments and layout); edit helpers build new nodes, which
 * are not registered and so are printed from their structure.
 */
const origin = new WeakMap<object, string>();

/** Record that `node` was parsed from `source` (spans point into it); returns the node. */
export function markOriginal<T extends object>(node: T, source: string): T {
  origin.set(node, source);
  return node;
}

/** The source text a node was parsed from, or undefined for nodes built by edits. */
export function originalSource(node: object): string | undefined {
  return origin.get(node);
}
