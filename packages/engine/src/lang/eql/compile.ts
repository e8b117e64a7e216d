/** Text → plan in one call, for the CLI, the worker and tests. */
import type { QueryPlan } from "../plan.ts";
import { lowerEql, type LowerOptions } from "./lower.ts";
import { parseEql } from "./parser.ts";

/** Parse and lower an EQL query; throws a positioned QueryError for anything wrong or unsupported. */
export function compileEql(text: string, opts: LowerOptions = {}): QueryPlan {
  return lowerEql(parseEql(text), opts);
}
