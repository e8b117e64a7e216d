import { appendWhere, parseEql, printEql } from "@quarry/engine";

/**
 * The EQL query with `field == value` (or `!=`) added, built on the AST and printed, so comments
 * and the rest of the query survive. An empty query starts from `any where true`.
 */
export function eqlWithFilter(text: string, field: string, value: string | number, negate: boolean): string {
  const ast = parseEql(text.trim() === "" ? "any where true" : text);
  return printEql(appendWhere(ast, field, negate ? "!=" : "==", value));
}
