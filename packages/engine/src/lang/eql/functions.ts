/**
 * The EQL function table the lowering checks calls against: canonical names (what the executor
 * registers), arity and whether a `~` (case-insensitive) form exists. Names match case-insensitively,
 * as in Elasticsearch (`CONCAT(…)`, `startswith~(…)`).
 */

export interface EqlFunctionInfo {
  name: string;
  minArgs: number;
  maxArgs: number;
  /** Has a `name~(…)` form in Elastic EQL. */
  tilde: boolean;
  /** Only in Endgame's Python EQL. */
  endgame: boolean;
  /** Call syntax for hover and completion details. */
  signature: string;
  /** One-line description. */
  doc: string;
}

const MANY = Number.POSITIVE_INFINITY;

const TABLE: EqlFunctionInfo[] = [
  { name: "add", minArgs: 2, maxArgs: 2, tilde: false, endgame: false, signature: "add(a, b)", doc: "a + b" },
  { name: "between", minArgs: 3, maxArgs: 4, tilde: true, endgame: false, signature: "between(source, left, right[, greedy])", doc: "the text of source between left and right" },
  { name: "cidrMatch", minArgs: 2, maxArgs: MANY, tilde: false, endgame: false, signature: "cidrMatch(ip, cidr, …)", doc: "true when the IP address is in any of the CIDR blocks" },
  { name: "concat", minArgs: 1, maxArgs: MANY, tilde: false, endgame: false, signature: "concat(value, …)", doc: "the values joined as text; null if any is null" },
  { name: "divide", minArgs: 2, maxArgs: 2, tilde: false, endgame: false, signature: "divide(a, b)", doc: "a / b (integer division for integers)" },
  { name: "endsWith", minArgs: 2, maxArgs: 2, tilde: true, endgame: false, signature: "endsWith(source, suffix)", doc: "true when source ends with suffix" },
  { name: "indexOf", minArgs: 2, maxArgs: 3, tilde: true, endgame: false, signature: "indexOf(source, search[, start])", doc: "first position of search in source at or after start, or null" },
  { name: "length", minArgs: 1, maxArgs: 1, tilde: false, endgame: false, signature: "length(value)", doc: "number of characters (or of values of a multi-value field)" },
  { name: "modulo", minArgs: 2, maxArgs: 2, tilde: false, endgame: false, signature: "modulo(a, b)", doc: "remainder of a / b" },
  { name: "multiply", minArgs: 2, maxArgs: 2, tilde: false, endgame: false, signature: "multiply(a, b)", doc: "a * b" },
  { name: "number", minArgs: 1, maxArgs: 2, tilde: false, endgame: false, signature: "number(text[, base])", doc: "text parsed as a number (base 2–36; 0x prefix for 16)" },
  { name: "startsWith", minArgs: 2, maxArgs: 2, tilde: true, endgame: false, signature: "startsWith(source, prefix)", doc: "true when source starts with prefix" },
  { name: "string", minArgs: 1, maxArgs: 1, tilde: false, endgame: false, signature: "string(value)", doc: "the value as text" },
  { name: "stringContains", minArgs: 2, maxArgs: 2, tilde: true, endgame: false, signature: "stringContains(source, search)", doc: "true when search occurs in source" },
  { name: "substring", minArgs: 2, maxArgs: 3, tilde: false, endgame: false, signature: "substring(source, start[, end])", doc: "characters from start up to end (negative counts from the end)" },
  { name: "subtract", minArgs: 2, maxArgs: 2, tilde: false, endgame: false, signature: "subtract(a, b)", doc: "a - b" },
  { name: "arrayContains", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true, signature: "arrayContains(list, value, …)", doc: "Endgame: true when the multi-value field holds any of the values" },
  { name: "arrayCount", minArgs: 3, maxArgs: 3, tilde: false, endgame: true, signature: "arrayCount(list, var, condition)", doc: "Endgame: how many values of list satisfy condition" },
  { name: "arraySearch", minArgs: 3, maxArgs: 3, tilde: false, endgame: true, signature: "arraySearch(list, var, condition)", doc: "Endgame: true when some value of list satisfies condition" },
  { name: "match", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true, signature: "match(source, regex, …)", doc: "Endgame: true when source matches any regular expression" },
  { name: "matchLite", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true, signature: "matchLite(source, regex, …)", doc: "Endgame: match with a restricted regular expression syntax" },
  { name: "safe", minArgs: 1, maxArgs: 1, tilde: false, endgame: true, signature: "safe(expression)", doc: "Endgame: the expression's value, null instead of an error" },
  { name: "wildcard", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true, signature: "wildcard(source, pattern, …)", doc: "Endgame: true when source matches any * pattern" },
];

const BY_LOWER = new Map(TABLE.map((f) => [f.name.toLowerCase(), f]));

/** Look a function up by name, case-insensitively. */
export function eqlFunction(name: string): EqlFunctionInfo | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

/** Canonical names of every EQL function (for completion and error messages). */
export function eqlFunctionNames(): string[] {
  return TABLE.map((f) => f.name);
}
