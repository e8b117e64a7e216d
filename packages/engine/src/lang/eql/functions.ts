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
}

const MANY = Number.POSITIVE_INFINITY;

const TABLE: EqlFunctionInfo[] = [
  { name: "add", minArgs: 2, maxArgs: 2, tilde: false, endgame: false },
  { name: "between", minArgs: 3, maxArgs: 4, tilde: true, endgame: false },
  { name: "cidrMatch", minArgs: 2, maxArgs: MANY, tilde: false, endgame: false },
  { name: "concat", minArgs: 1, maxArgs: MANY, tilde: false, endgame: false },
  { name: "divide", minArgs: 2, maxArgs: 2, tilde: false, endgame: false },
  { name: "endsWith", minArgs: 2, maxArgs: 2, tilde: true, endgame: false },
  { name: "indexOf", minArgs: 2, maxArgs: 3, tilde: true, endgame: false },
  { name: "length", minArgs: 1, maxArgs: 1, tilde: false, endgame: false },
  { name: "modulo", minArgs: 2, maxArgs: 2, tilde: false, endgame: false },
  { name: "multiply", minArgs: 2, maxArgs: 2, tilde: false, endgame: false },
  { name: "number", minArgs: 1, maxArgs: 2, tilde: false, endgame: false },
  { name: "startsWith", minArgs: 2, maxArgs: 2, tilde: true, endgame: false },
  { name: "string", minArgs: 1, maxArgs: 1, tilde: false, endgame: false },
  { name: "stringContains", minArgs: 2, maxArgs: 2, tilde: true, endgame: false },
  { name: "substring", minArgs: 2, maxArgs: 3, tilde: false, endgame: false },
  { name: "subtract", minArgs: 2, maxArgs: 2, tilde: false, endgame: false },
  { name: "arrayContains", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true },
  { name: "arrayCount", minArgs: 3, maxArgs: 3, tilde: false, endgame: true },
  { name: "arraySearch", minArgs: 3, maxArgs: 3, tilde: false, endgame: true },
  { name: "match", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true },
  { name: "matchLite", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true },
  { name: "safe", minArgs: 1, maxArgs: 1, tilde: false, endgame: true },
  { name: "wildcard", minArgs: 2, maxArgs: MANY, tilde: false, endgame: true },
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
