/**
 * Splits streamed text into lines (LF or CRLF), keeping 1-based line numbers. Text formats that
 * are one record per line build on it.
 */
export class LineSplitter {
  private carry = "";
  private lineNo = 0;

  constructor(private readonly onLine: (line: string, lineNo: number) => void) {}

  write(chunk: string): void {
    let text = this.carry + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.onLine(text.slice(start, end), ++this.lineNo);
      start = nl + 1;
    }
    this.carry = start === 0 ? text : text.slice(start);
    text = "";
  }

  end(): void {
    if (this.carry.length > 0) {
      const line = this.carry.endsWith("\r") ? this.carry.slice(0, -1) : this.carry;
      this.onLine(line, ++this.lineNo);
    }
    this.carry = "";
  }
}

/** The first `n` characters of a line, for problem reports. */
export function sampleOf(line: string, n = 120): string {
  return line.length > n ? line.slice(0, n) + "…" : line;
}
