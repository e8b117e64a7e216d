import { QueryError, type Span } from "../errors.ts";

/** Characters that end a bare word in SPL command arguments. */
const ARG_STOP = new Set([" ", "\t", "\n", "\r", ",", "(", ")", "=", "|", '"', "[", "]"]);

/**
 * A position in the query text, bounded to one pipeline stage. SPL commands each have their own
 * argument grammar, so parsing is character-level over a stage rather than one global token stream;
 * every error carries absolute offsets into the full query.
 */
export class Cursor {
  constructor(
    readonly text: string,
    public pos: number,
    readonly end: number,
  ) {}

  /** Skips whitespace. */
  ws(): this {
    while (this.pos < this.end && /\s/.test(this.text[this.pos]!)) this.pos++;
    return this;
  }

  /** Whether only whitespace remains. */
  atEnd(): boolean {
    this.ws();
    return this.pos >= this.end;
  }

  /** The next character, or "" at the end. */
  peek(offset = 0): string {
    const i = this.pos + offset;
    return i < this.end ? this.text[i]! : "";
  }

  /** Whether the text at the cursor (after whitespace) starts with `s`. */
  lookingAt(s: string): boolean {
    this.ws();
    return this.text.startsWith(s, this.pos) && this.pos + s.length <= this.end;
  }

  /** Consumes `s` if present. */
  eat(s: string): boolean {
    if (!this.lookingAt(s)) return false;
    this.pos += s.length;
    return true;
  }

  /** Consumes `s` or throws a positioned error. */
  expect(s: string, what = `"${s}"`): void {
    if (!this.eat(s)) throw this.error(`expected ${what}`, [s]);
  }

  /** Whether the next word is `kw` (case-insensitive), not followed by a word character. */
  lookingAtKeyword(kw: string): boolean {
    this.ws();
    const slice = this.text.slice(this.pos, this.pos + kw.length);
    if (slice.toLowerCase() !== kw.toLowerCase() || this.pos + kw.length > this.end) return false;
    const next = this.text[this.pos + kw.length];
    return next === undefined || this.pos + kw.length >= this.end || !/[\w.*:]/.test(next);
  }

  /** Consumes `kw` only when spelled exactly so (SPL's search operators AND/OR/NOT are upper case). */
  eatKeywordExact(kw: string): boolean {
    this.ws();
    if (!this.text.startsWith(kw, this.pos) || this.pos + kw.length > this.end) return false;
    const next = this.text[this.pos + kw.length];
    if (next !== undefined && this.pos + kw.length < this.end && !/[\s(]/.test(next)) return false;
    this.pos += kw.length;
    return true;
  }

  /** Consumes keyword `kw` if present. */
  eatKeyword(kw: string): boolean {
    if (!this.lookingAtKeyword(kw)) return false;
    this.pos += kw.length;
    return true;
  }

  /** Reads a double-quoted string (cursor on the quote), resolving \" and \\ escapes. */
  quoted(): { value: string; span: Span } {
    this.ws();
    const start = this.pos;
    if (this.peek() !== '"') throw this.error("expected a quoted string");
    let i = this.pos + 1;
    let out = "";
    while (i < this.end) {
      const c = this.text[i]!;
      if (c === "\\" && i + 1 < this.end) {
        const n = this.text[i + 1]!;
        // Only quote and backslash are escapes; other backslashes stay (Windows paths, regexes).
        if (n === '"' || n === "\\") {
          out += n;
          i += 2;
          continue;
        }
        out += c;
        i++;
        continue;
      }
      if (c === '"') {
        this.pos = i + 1;
        return { value: out, span: { start, end: i + 1 } };
      }
      out += c;
      i++;
    }
    throw new QueryError("unterminated quoted string", { start, end: this.end });
  }

  /** Reads a bare argument word (stops at whitespace, `,`, `(`, `)`, `=`, `|`, quotes, brackets). */
  word(stop: Set<string> = ARG_STOP): { value: string; span: Span } | null {
    this.ws();
    const start = this.pos;
    while (this.pos < this.end && !stop.has(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) return null;
    return { value: this.text.slice(start, this.pos), span: { start, end: this.pos } };
  }

  /** A word or a quoted string. */
  value(): { value: string; span: Span; quoted: boolean } | null {
    this.ws();
    if (this.peek() === '"') return { ...this.quoted(), quoted: true };
    const w = this.word();
    return w ? { ...w, quoted: false } : null;
  }

  /** Reads a field name (word or quoted), or throws. */
  field(what = "a field name"): { value: string; span: Span } {
    const v = this.value();
    if (!v) throw this.error(`expected ${what}`);
    return v;
  }

  /** A positioned error at the cursor. */
  error(message: string, expected: string[] = []): QueryError {
    this.ws();
    const end = Math.min(this.end, Math.max(this.pos + 1, this.wordEnd()));
    return new QueryError(message, { start: Math.min(this.pos, this.end), end }, expected);
  }

  private wordEnd(): number {
    let i = this.pos;
    while (i < this.end && !/\s/.test(this.text[i]!)) i++;
    return i;
  }

  /** Parses `name=value` options at the cursor while the next word is one of `names`. */
  options(names: string[]): Map<string, { value: string; span: Span }> {
    const out = new Map<string, { value: string; span: Span }>();
    for (;;) {
      this.ws();
      const save = this.pos;
      const w = this.word();
      if (!w) break;
      const name = w.value.toLowerCase();
      if (!names.includes(name) || !this.eat("=")) {
        this.pos = save;
        break;
      }
      const v = this.value();
      if (!v) throw this.error(`expected a value for ${name}=`);
      out.set(name, { value: v.value, span: v.span });
    }
    return out;
  }
}

/** Parses an SPL boolean option value (t/true/1/f/false/0). */
export function parseBool(v: { value: string; span: Span }): boolean {
  const s = v.value.toLowerCase();
  if (s === "t" || s === "true" || s === "1") return true;
  if (s === "f" || s === "false" || s === "0") return false;
  throw new QueryError(`expected true or false, found "${v.value}"`, v.span, ["true", "false"]);
}

/** Parses a non-negative integer option. */
export function parseInt10(v: { value: string; span: Span }, what: string): number {
  if (!/^\d+$/.test(v.value)) throw new QueryError(`${what} must be a whole number, found "${v.value}"`, v.span);
  return Number(v.value);
}

/**
 * Throws a positioned error for options we parse but do not implement: ignoring an option that
 * changes the answer (window=, cont=, countfield=...) would give a silently wrong result.
 */
export function rejectOptions(options: Map<string, { value: string; span: Span }>, unsupported: string[]): void {
  for (const name of unsupported) {
    const o = options.get(name);
    if (o) throw new QueryError(`option ${name}= is not supported`, { start: Math.max(0, o.span.start - name.length - 1), end: o.span.end });
  }
}
