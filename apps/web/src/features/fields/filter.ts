import { appendWhere, parseEql, printEql, splWithFilter } from "@quarry/engine";

/**
 * The EQL query with `field == value` (or `!=`) added, built on the AST and printed, so comments
 * and the rest of the query survive. An empty query starts from `any where true`.
 */
export function eqlWithFilter(text: string, field: string, value: string | number, negate: boolean): string {
  const ast = parseEql(text.trim() === "" ? "any where true" : text);
  return printEql(appendWhere(ast, field, negate ? "!=" : "==", value));
}

/** The query of either language with the filter added through that language's AST helpers. */
export function queryWithFilter(lang: "eql" | "spl", text: string, field: string, value: string | number, negate: boolean): string {
  return lang === "eql" ? eqlWithFilter(text, field, value, negate) : splWithFilter(text, field, value, negate);
}
