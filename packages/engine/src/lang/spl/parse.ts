import { QueryError } from "../errors.ts";
import type { Pipe, QueryPlan, Source, TimeRange } from "../plan.ts";
import type { CommandResult, ParseContext } from "./command.ts";
import { Cursor } from "./cursor.ts";
import { blankComments, splitPipeline } from "./pipeline.ts";
import { splCommand } from "./registry.ts";
import { parseSearch } from "./search.ts";

/** Options for parsing: the clock and timezone that relative and absolute times resolve in. */
export interface SplParseOptions {
  /** "Now" for relative times, ms since the epoch (default Date.now()). */
  nowMs?: number;
  /** IANA timezone for absolute times and day snapping (default UTC). */
  tz?: string;
}

/** One pipeline stage as parsed: command name, its span, and what it lowered to. */
export interface SplStage {
  command: string;
  span: { start: number; end: number };
  result: CommandResult;
}

/** A parsed SPL query: the plan plus the stages it came from (for editors and docs). */
export interface ParsedSpl {
  plan: QueryPlan;
  stages: SplStage[];
}

/**
 * Parses an SPL query and lowers it to the shared plan. Every failure is a QueryError with the
 * offsets of the offending text; unsupported commands and macros are named in the message.
 */
export function parseSpl(query: string, opts: SplParseOptions = {}): ParsedSpl {
  const text = blankComments(query);
  const ctx: ParseContext = {
    nowMs: opts.nowMs ?? Date.now(),
    tz: opts.tz ?? "UTC",
    parseSubPipeline: (start, end) => parseStages(text, splitPipeline(text, start, end), ctx, true).pipes,
  };
  const { source, pipes, timeRange, stages } = parseStages(text, splitPipeline(text, 0, text.length), ctx, false);
  const plan: QueryPlan = { source, pipes };
  if (timeRange && (timeRange.earliest !== null || timeRange.latest !== null)) plan.timeRange = timeRange;
  return { plan, stages };
}

function parseStages(text: string, stageSpans: ReturnType<typeof splitPipeline>, ctx: ParseContext, nested: boolean) {
  let source: Source | null = null;
  let timeRange: TimeRange | undefined;
  const pipes: Pipe[] = [];
  const stages: SplStage[] = [];
  stageSpans.forEach((st, i) => {
    const cur = new Cursor(text, st.span.start, st.span.end);
    if (cur.atEnd()) {
      // Only the empty text before a leading `|` may be blank.
      if (i === 0 && stageSpans.length > 1 && !nested) return;
      if (i === 0 && stageSpans.length === 1 && !nested) {
        source = { kind: "events", where: { kind: "literal", value: true } };
        return;
      }
      throw new QueryError("empty command: expected a command after |", { start: Math.max(0, st.span.start - 1), end: st.span.end });
    }
    const first = i === 0 || (i === 1 && !nested && new Cursor(text, stageSpans[0]!.span.start, stageSpans[0]!.span.end).atEnd());
    const leadingSearch = i === 0 && !nested;
    const nameStart = cur.pos;
    const m = /^[A-Za-z_][\w-]*/.exec(text.slice(cur.pos, st.span.end));
    const word = m ? m[0] : "";
    const nextChar = text[cur.pos + word.length] ?? "";
    if (leadingSearch && !(word.toLowerCase() === "search" && /[\s]|^$/.test(nextChar))) {
      // Implicit search: the whole first stage is search terms.
      const clause = parseSearch(text, st.span.start, st.span.end, ctx);
      source = { kind: "events", where: clause.where };
      timeRange = clause.timeRange;
      stages.push({ command: "search", span: st.span, result: { kind: "pipe", pipe: { kind: "where", expr: clause.where } } });
      return;
    }
    if (leadingSearch) {
      cur.pos += word.length;
      const clause = parseSearch(text, cur.pos, st.span.end, ctx);
      source = { kind: "events", where: clause.where };
      timeRange = clause.timeRange;
      stages.push({ command: "search", span: st.span, result: { kind: "pipe", pipe: { kind: "where", expr: clause.where } } });
      return;
    }
    const nameSpan = { start: nameStart, end: nameStart + Math.max(1, word.length) };
    if (!word) throw new QueryError(`expected a command name, found "${text[cur.pos]}"`, nameSpan);
    const cmd = splCommand(word);
    if (!cmd) throw new QueryError(`unsupported command "${word}"`, nameSpan, []);
    cur.pos += word.length;
    if (cmd.generating && !(first && !nested && source === null)) {
      throw new QueryError(`"${cmd.name}" is a generating command: it must come first, after a leading |`, nameSpan);
    }
    if (cmd.name === "search" && first && !nested && source === null) {
      // `| search ...` at the start is the leading search.
      const clause = parseSearch(text, cur.pos, st.span.end, ctx);
      source = { kind: "events", where: clause.where };
      timeRange = clause.timeRange;
      stages.push({ command: "search", span: st.span, result: { kind: "pipe", pipe: { kind: "where", expr: clause.where } } });
      return;
    }
    if (!cmd.generating && first && !nested && source === null) {
      throw new QueryError(`"${cmd.name}" cannot start a search (start with search terms or a generating command)`, nameSpan);
    }
    const result = cmd.parse(cur, ctx);
    stages.push({ command: cmd.name, span: st.span, result });
    if (result.kind === "source") {
      source = result.source;
      if (result.timeRange) timeRange = result.timeRange;
    } else pipes.push(result.pipe);
  });
  return { source: source ?? ({ kind: "events", where: { kind: "literal", value: true } } as Source), pipes, timeRange, stages };
}
