/**
 * Answers in a canonical form, so that engines with different result shapes can be compared:
 * sorted text lines, each `field|field|…` with numbers printed by `String(Number(x))`.
 */
export interface Answer {
  lines: string[];
  /** A short human-readable digest for the report ("732 events", "11 groups, 99 337 events"). */
  summary: string;
}

/** A cell as canonical text: numbers (and bigints) without trailing zeros, null as "NULL". */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isNaN(v) ? "NULL" : String(v);
  if (typeof v === "string" && v !== "" && /^-?\d+(\.\d+)?$/.test(v)) return String(Number(v));
  return String(v);
}

/** An answer from rows of cells; the summary counts groups and the total of the last (count) column when asked. */
export function answerOf(rows: unknown[][], summary?: string): Answer {
  const lines = rows.map((r) => r.map(cell).join("|")).sort();
  return { lines, summary: summary ?? `${lines.length} rows` };
}

/** Answer of a grouped count: `key…|count` lines; the summary tells groups and events. */
export function groupedAnswer(rows: unknown[][]): Answer {
  let total = 0;
  for (const r of rows) total += Number(r[r.length - 1]);
  return answerOf(rows, `${rows.length} groups, ${total} events`);
}

/** Answer that is a single count. */
export function countAnswer(n: number | bigint): Answer {
  return { lines: [String(n)], summary: `${String(n)}` };
}

/** The first line where two answers differ, or null when they are equal. */
export function diffAnswers(a: Answer, b: Answer): string | null {
  const n = Math.max(a.lines.length, b.lines.length);
  if (a.lines.length !== b.lines.length) return `${a.lines.length} vs ${b.lines.length} lines (${a.summary} vs ${b.summary})`;
  for (let i = 0; i < n; i++) if (a.lines[i] !== b.lines[i]) return `line ${i}: "${a.lines[i]}" vs "${b.lines[i]}"`;
  return null;
}

/** FNV-1a (32-bit) over an answer's lines: lets a Web Worker's answer be compared without shipping it. */
export function answerDigest(a: Answer): string {
  let h = 0x811c9dc5;
  for (const line of a.lines) {
    for (let i = 0; i < line.length; i++) {
      h ^= line.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 10;
    h = Math.imul(h, 0x01000193);
  }
  return `${a.lines.length}:${(h >>> 0).toString(16)}`;
}
