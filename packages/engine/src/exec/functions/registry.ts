/**
 * The function registry: EQL functions (registered by `eql.ts`) and SPL eval functions (by the
 * SPL executors) live in one table keyed by the plan's `call.name`. A name registered twice
 * keeps the last registration, so a dialect can refine a shared name on purpose.
 */
import type { Scalar } from "../../store/types.ts";

/** A runtime value: a scalar, or the values of a multi-value field. */
export type Value = Scalar | Scalar[];

/** Reads a field of the current row (event or result row); null when absent. */
export type GetField = (name: string) => Value;

/** What a function sees besides its evaluated arguments. */
export interface CallContext {
  /** The `~` form of an EQL call (or a case-insensitive SPL variant). */
  caseInsensitive: boolean;
  /** The current row, for functions that read fields themselves (SPL `searchmatch`). */
  getField: GetField;
  /** Some argument is written as a floating-point number (`4.0`): EQL's divide is then not integer division. */
  float?: boolean;
  /** Endgame (Python EQL) semantics where they differ from Elasticsearch's. */
  python?: boolean;
}

/** A function implementation: evaluated arguments in, one value out. Must not throw on bad input: return null. */
export type FunctionImpl = (args: Value[], ctx: CallContext) => Value;

export interface FunctionDef {
  impl: FunctionImpl;
  /** Allowed argument counts (inclusive); the executor reports a call outside them. */
  minArgs: number;
  maxArgs: number;
}

const FUNCTIONS = new Map<string, FunctionDef>();

/** Registers a function under `name` (case-sensitive, as the plan names it). */
export function registerFunction(name: string, impl: FunctionImpl, minArgs = 0, maxArgs = Infinity): void {
  FUNCTIONS.set(name, { impl, minArgs, maxArgs });
}

/** The function registered under `name`, or undefined. */
export function getFunction(name: string): FunctionDef | undefined {
  return FUNCTIONS.get(name);
}

/** Every registered function name, sorted (for completion and docs). */
export function functionNames(): string[] {
  return [...FUNCTIONS.keys()].sort();
}
