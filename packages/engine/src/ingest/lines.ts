import type { ParseProblem } from "./types.ts";

/** Lines longer than this are reported (and still loaded whole). */
export const LONG_LINE = 1024 * 1024;
/** Lines longer than this are reported and dropped, so one runaway line cannot exhaust memory. */
export const MAX_LINE = 256 * 1024 * 1024;

/**
 * Splits streamed text into lines (LF or CRLF), keeping 1-based line numbers. Text formats that
 * are one record per line build on it. Very long lines are reported through `onProblem`.
 */
export class LineSplitter {
  private carry = "";
  private lineNo = 0;
  /** Inside a line longer than MAX_LINE: skip to its end. */
  private skipping = false;

  constructor(
    private readonly onLine: (line: string, lineNo: number) => void,
    private readonly onProblem?: (p: ParseProblem) => void,
  ) {}

  write(chunk: string): void {
    let text = this.carry.length === 0 ? chunk : this.carry + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (this.skipping) {
        this.skipping = false;
        this.lineNo++;
      } else {
        this.emit(text.slice(start, end));
      }
      start = nl + 1;
    }
    this.carry = start === 0 ? text : text.slice(start);
    if (this.carry.length > MAX_LINE && !this.skipping) {
      this.onProblem?.({ line: this.lineNo + 1, reason: `line too long: over ${MAX_LINE} characters, dropped` });
      this.skipping = true;
    }
    if (this.skipping) this.carry = "";
    text = "";
  }

  end(): void {
    if (this.carry.length > 0 && !this.skipping) {
      const line = this.carry.endsWith("\r") ? this.carry.slice(0, -1) : this.carry;
      this.emit(line);
    }
    this.carry = "";
  }

  private emit(line: string): void {
    const n = ++this.lineNo;
    if (line.length > LONG_LINE) {
      this.onProblem?.({ line: n, reason: `long line: ${line.length} characters, kept as one event`, sample: sampleOf(line) });
    }
    this.onLine(line, n);
  }
}

/** The first `n` characters of a line, for problem reports. */
export function sampleOf(line: string, n = 120): string {
  return line.length > n ? line.slice(0, n) + "…" : line;
}
