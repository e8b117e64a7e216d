import type { Pipe, Source, TimeRange } from "../plan.ts";
import type { Cursor } from "./cursor.ts";
import type { SearchContext } from "./search.ts";

/** What a command's parser needs besides its own text. */
export interface ParseContext extends SearchContext {
  /** Parses a nested pipeline (foreach's `[ ... ]` template) to pipes. */
  parseSubPipeline(start: number, end: number): Pipe[];
}

/** A command lowers to a pipe, or (generating commands after a leading `|`) to the plan's source. */
export type CommandResult =
  | { kind: "pipe"; pipe: Pipe }
  | { kind: "source"; source: Source; timeRange?: TimeRange };

/** One SPL command: its metadata (for docs, hover help and errors) and its parser + lowering. */
export interface SplCommand {
  name: string;
  /** Other names for the same command (bucket → bin). */
  aliases?: string[];
  /** Generating commands start a search (`| metadata ...`); the others transform results. */
  generating?: boolean;
  syntax: string;
  description: string;
  examples: string[];
  /** Parses the arguments (the cursor sits just after the command name) and lowers them. */
  parse(cur: Cursor, ctx: ParseContext): CommandResult;
}

/** Shorthand for a transforming command's result. */
export function pipe(p: Pipe): CommandResult {
  return { kind: "pipe", pipe: p };
}
