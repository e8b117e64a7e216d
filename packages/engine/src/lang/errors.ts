/** A character range in query text: [start, end) offsets. */
export interface Span {
  start: number;
  end: number;
}

/** A query error with its position, ready for an editor marker or a CLI message. */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    message: string,
    readonly span: Span,
    /** What the parser expected at that position, when it knows. */
    readonly expected: string[] = [],
  ) {
    super(message);
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

/** "line L, column C: message" with the offending line and a caret, for terminals. */
export function formatQueryError(text: string, err: QueryError): string {
  const { line, column } = lineColumn(text, err.span.start);
  const src = text.split("\n")[line - 1] ?? "";
  return `line ${line}, column ${column}: ${err.message}\n  ${src}\n  ${" ".repeat(column - 1)}^`;
}
