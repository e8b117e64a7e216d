import { QueryError, type Span } from "../errors.ts";

/** One `|`-separated stage of an SPL pipeline, as a range of the query text. */
export interface Stage {
  span: Span;
  /** True when the stage was preceded by a `|` (false only for the leading search). */
  piped: boolean;
}

/**
 * Splits a pipeline on top-level `|`: not inside "quotes", [subsearches] or ```comments```.
 * Macro calls (`` `name` ``) are rejected here with their position, since we cannot expand
 * site-specific macros and silently dropping them would change the answer.
 */
export function splitPipeline(text: string, start: number, end: number): Stage[] {
  const stages: Stage[] = [];
  let depth = 0;
  let stageStart = start;
  let piped = false;
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === '"') {
      i = skipQuoted(text, i, end);
      continue;
    }
    if (c === "`") {
      if (text.startsWith("```", i)) {
        const close = text.indexOf("```", i + 3);
        if (close < 0 || close >= end) throw new QueryError("unterminated ``` comment", { start: i, end });
        i = close + 3;
        continue;
      }
      const close = text.indexOf("`", i + 1);
      const stop = close < 0 || close >= end ? end : close + 1;
      const name = text.slice(i + 1, stop - 1).replace(/\(.*$/s, "");
      throw new QueryError(`macros are not supported: \`${name}\` (expand it by hand)`, { start: i, end: stop }, []);
    }
    if (c === "[") depth++;
    else if (c === "]") {
      depth--;
      if (depth < 0) throw new QueryError('unbalanced "]"', { start: i, end: i + 1 });
    } else if (c === "|" && depth === 0) {
      stages.push({ span: { start: stageStart, end: i }, piped });
      stageStart = i + 1;
      piped = true;
    }
    i++;
  }
  if (depth > 0) throw new QueryError('unbalanced "[": missing "]"', { start: end, end });
  stages.push({ span: { start: stageStart, end }, piped });
  return stages;
}

/** Index just past the closing quote of the string opening at `i`. */
export function skipQuoted(text: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = text[j]!;
    if (c === "\\") {
      j += 2;
      continue;
    }
    if (c === '"') return j + 1;
    j++;
  }
  throw new QueryError("unterminated quoted string", { start: i, end });
}

/** Replaces ```comments``` with spaces so offsets stay valid. */
export function blankComments(text: string): string {
  return text.replace(/```[\s\S]*?```/g, (m) => " ".repeat(m.length));
}
