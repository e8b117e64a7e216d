import { sampleOf } from "./lines.ts";
import { emitJsonText } from "./ndjson.ts";
import type { ParseSink, TextFormat, TextParser } from "./types.ts";

/**
 * JSON arrays of objects (`[ {…}, {…} ]`, often pretty-printed, as Suricata alert exports are)
 * and streams of concatenated pretty-printed objects. A streaming scanner finds each top-level
 * element's extent (depth and string state carried across chunks), so a 2 GB array is never
 * one string; each element is then parsed with JSON.parse and recognised by content.
 */
export const jsonArrayFormat: TextFormat = {
  kind: "text",
  name: "json-array",
  description: "JSON array of objects, or concatenated multi-line JSON objects",
  sniff(head) {
    const t = head.trimStart();
    if (t.startsWith("[")) return /^\[\s*(?:\{|\]|$)/.test(t) ? 0.9 : 0.5;
    if (t.startsWith("{")) {
      // A multi-line object: the first line alone is not valid JSON.
      const nl = t.indexOf("\n");
      const first = (nl < 0 ? t : t.slice(0, nl)).trim();
      try {
        JSON.parse(first);
        return 0;
      } catch {
        return 0.7;
      }
    }
    return 0;
  },
  open(sink) {
    return new JsonArrayParser(sink);
  },
};

const enum State {
  /** Between top-level values (or elements of the top-level array). */
  Between,
  /** Inside an object or array element. */
  InValue,
  /** Inside a scalar element (not an object). */
  InScalar,
}

class JsonArrayParser implements TextParser {
  private buf = "";
  private pos = 0;
  private state = State.Between;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private startLine = 0;
  private line = 1;
  private arrayOpen = false;

  constructor(private readonly sink: ParseSink) {}

  write(chunk: string): void {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    this.scan();
    // Keep only the element being read.
    const keepFrom = this.state === State.Between ? this.pos : this.start;
    this.buf = this.buf.slice(keepFrom);
    this.pos -= keepFrom;
    if (this.start >= 0) this.start -= keepFrom;
  }

  end(): void {
    this.scan();
    if (this.state !== State.Between) {
      const text = this.buf.slice(this.start);
      if (this.state === State.InScalar) this.scalar(text.trim());
      else this.sink.problem({ line: this.startLine, reason: "truncated JSON: the file ends inside a value", sample: sampleOf(text) });
    } else if (this.arrayOpen) {
      this.sink.problem({ line: this.line, reason: "truncated JSON: the array is not closed with ]" });
    }
    this.buf = "";
  }

  private scan(): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      const c = buf.charCodeAt(i);
      if (c === 10) this.line++;
      switch (this.state) {
        case State.Between:
          if (c === 123 /* { */) {
            this.begin(i, State.InValue);
            this.depth = 1;
          } else if (c === 91 /* [ */) {
            if (!this.arrayOpen && this.depth === 0) this.arrayOpen = true;
            else {
              this.begin(i, State.InValue);
              this.depth = 1;
            }
          } else if (c === 93 /* ] */) {
            if (this.arrayOpen) this.arrayOpen = false;
            else this.sink.problem({ line: this.line, reason: "unexpected ] outside an array" });
          } else if (c !== 44 /* , */ && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
            this.begin(i, State.InScalar);
          }
          break;
        case State.InScalar:
          if (c === 44 || c === 93 || c === 10) {
            this.scalar(buf.slice(this.start, i).trim());
            this.state = State.Between;
            this.start = -1;
            if (c === 93) this.arrayOpen = false;
          }
          break;
        case State.InValue:
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (c === 92 /* \ */) this.escaped = true;
            else if (c === 34 /* " */) this.inString = false;
          } else if (c === 34) {
            this.inString = true;
          } else if (c === 123 || c === 91) {
            this.depth++;
          } else if (c === 125 || c === 93) {
            if (--this.depth === 0) {
              emitJsonText(this.sink, buf.slice(this.start, i + 1), this.startLine);
              this.state = State.Between;
              this.start = -1;
            }
          }
          break;
      }
      i++;
    }
    this.pos = i;
  }

  private begin(at: number, state: State): void {
    this.state = state;
    this.start = at;
    this.startLine = this.line;
    this.inString = false;
    this.escaped = false;
  }

  private scalar(text: string): void {
    if (text.length === 0) return;
    this.sink.problem({ line: this.startLine, reason: "JSON value is not an object", sample: sampleOf(text) });
  }
}
