/**
 * EQL lexer: query text → tokens with offsets. Comments are collected apart (the printer puts them
 * back); string escapes are decoded here so the parser only sees values. Covers both dialects:
 * Elastic (`"…"`, `"""…"""`, backtick names, `~` suffixes) and Endgame (`'…'`, `?"…"`, `=`).
 */
import { QueryError, type Span } from "../errors.ts";

export type TokenKind =
  | "ident" // names, keywords and field paths (`process.name`, `@timestamp`)
  | "quotedIdent" // backtick-quoted name
  | "string"
  | "number"
  | "op" // operators and punctuation
  | "eof";

/** How a string literal was quoted, kept so the printer can reproduce it. */
export type StringStyle = "double" | "single" | "triple" | "rawDouble" | "rawSingle";

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: the decoded value is in `value`). */
  text: string;
  start: number;
  end: number;
  /** Decoded string value, or the identifier name without backticks. */
  value: string;
  style?: StringStyle;
  /** True when whitespace or a comment precedes the token (`a [0]` vs `a[0]`, `like ~`). */
  spaced: boolean;
}

export interface Comment {
  kind: "comment";
  span: Span;
  text: string;
  block: boolean;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
}

const OPS2 = new Set(["==", "!=", "<=", ">=", "!["]);
const OPS1 = new Set(["=", "<", ">", ":", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", "|", "~", "!", ".", "?"]);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64 || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "0": "\0", '"': '"', "'": "'", "\\": "\\", "`": "`" };

/** Tokenise EQL text; throws QueryError (with the offending span) on unterminated strings or stray characters. */
export function lexEql(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let i = 0;
  let spaced = true;
  const n = text.length;
  const push = (kind: TokenKind, start: number, end: number, value: string, style?: StringStyle): void => {
    const tok: Token = { kind, text: text.slice(start, end), start, end, value, spaced };
    if (style) tok.style = style;
    tokens.push(tok);
    spaced = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
      spaced = true;
      continue;
    }
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      comments.push({ kind: "comment", span: { start: i, end: stop }, text: text.slice(i, stop), block: false });
      i = stop;
      spaced = true;
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new QueryError("unterminated comment", { start: i, end: n }, ["*/"]);
      comments.push({ kind: "comment", span: { start: i, end: end + 2 }, text: text.slice(i, end + 2), block: true });
      i = end + 2;
      spaced = true;
      continue;
    }
    if (ch === '"' && text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3);
      if (end < 0) throw new QueryError("unterminated raw string", { start: i, end: n }, ['"""']);
      // A raw string may end in quotes: """a"""" is `a"`; the closing triple is the last three.
      let close = end;
      while (text[close + 3] === '"') close++;
      push("string", i, close + 3, text.slice(i + 3, close), "triple");
      i = close + 3;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const { value, end } = readQuoted(text, i, ch, true);
      push("string", i, end, value, ch === '"' ? "double" : "single");
      i = end;
      continue;
    }
    if (ch === "?" && (next === '"' || next === "'")) {
      const { value, end } = readQuoted(text, i + 1, next, false);
      push("string", i, end, value, next === '"' ? "rawDouble" : "rawSingle");
      i = end;
      continue;
    }
    if (isDigit(c) || (ch === "." && next !== undefined && isDigit(next.charCodeAt(0)) && !prevIsValue(tokens, spaced))) {
      let j = i;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (text[j] === "." && j + 1 <= n && (j + 1 === n || isDigit(text.charCodeAt(j + 1)) || !isIdentStart(text.charCodeAt(j + 1)))) {
        j++;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      if ((text[j] === "e" || text[j] === "E") && (isDigit(text.charCodeAt(j + 1)) || ((text[j + 1] === "+" || text[j + 1] === "-") && isDigit(text.charCodeAt(j + 2))))) {
        j += 2;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      push("number", i, j, text.slice(i, j));
      i = j;
      continue;
    }
    if (isIdentStart(c) || ch === "`") {
      const { end, value, quoted } = readName(text, i);
      push(quoted ? "quotedIdent" : "ident", i, end, value);
      i = end;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (OPS2.has(two)) {
      push("op", i, i + 2, two);
      i += 2;
      continue;
    }
    if (OPS1.has(ch)) {
      push("op", i, i + 1, ch);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    throw new QueryError(`unexpected character ${JSON.stringify(text.slice(i, i + len))}`, { start: i, end: i + len }, []);
  }
  tokens.push({ kind: "eof", text: "", start: n, end: n, value: "", spaced });
  return { tokens, comments };
}

/** `.5` is a number only where a value may start; after a value it is a path dot. */
function prevIsValue(tokens: Token[], spaced: boolean): boolean {
  const prev = tokens[tokens.length - 1];
  if (!prev || spaced) return false;
  return prev.kind === "ident" || prev.kind === "quotedIdent" || (prev.kind === "op" && (prev.value === "]" || prev.value === ")"));
}

/**
 * A dotted name whose segments are plain (`process.name`, `winlog.event_data.1`) or backtick-quoted
 * (`` a.`0`.b ``, with ``` `` ``` for a literal backtick).
 */
function readName(text: string, start: number): { end: number; value: string; quoted: boolean } {
  const n = text.length;
  let j = start;
  let value = "";
  let quoted = false;
  for (;;) {
    if (text[j] === "`") {
      const open = j;
      j++;
      let seg = "";
      for (;;) {
        if (j >= n) throw new QueryError("unterminated backtick-quoted name", { start: open, end: n }, ["`"]);
        if (text[j] === "`") {
          if (text[j + 1] === "`") {
            seg += "`";
            j += 2;
            continue;
          }
          break;
        }
        seg += text[j];
        j++;
      }
      if (seg.length === 0) throw new QueryError("empty backtick-quoted name", { start: open, end: j + 1 }, ["name"]);
      j++;
      value += seg;
      quoted = true;
    } else {
      const s0 = j;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      value += text.slice(s0, j);
    }
    // Dotted paths are one token; a segment after a dot may start with a digit (`winlog.event_data.1`).
    if (text[j] === "." && j + 1 < n && (isIdentPart(text.charCodeAt(j + 1)) || text[j + 1] === "`")) {
      value += ".";
      j++;
      continue;
    }
    return { end: j, value, quoted };
  }
}

function readQuoted(text: string, open: number, quote: string, escapes: boolean): { value: string; end: number } {
  let j = open + 1;
  let value = "";
  const n = text.length;
  for (;;) {
    if (j >= n) throw new QueryError("unterminated string", { start: open, end: n }, [quote]);
    const ch = text[j]!;
    if (ch === quote) return { value, end: j + 1 };
    if (ch === "\\") {
      const e = text[j + 1];
      if (e === undefined) throw new QueryError("unterminated string", { start: open, end: n }, [quote]);
      if (!escapes) {
        // Raw strings keep backslashes; `\"` still does not close the string.
        value += "\\" + e;
        j += 2;
        continue;
      }
      if (e === "u" && text[j + 2] === "{") {
        const close = text.indexOf("}", j + 3);
        const hex = close < 0 ? "" : text.slice(j + 3, close);
        if (!/^[0-9a-fA-F]{1,8}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
          throw new QueryError("invalid unicode escape, expected \\u{hex}", { start: j, end: close < 0 ? j + 2 : close + 1 }, ["\\u{hex}"]);
        }
        value += String.fromCodePoint(parseInt(hex, 16));
        j = close + 1;
        continue;
      }
      const dec = ESCAPES[e];
      if (dec === undefined) {
        throw new QueryError(`invalid escape sequence \\${e} in string (write \\\\ for a backslash)`, { start: j, end: j + 2 }, ["\\\\", '\\"', "\\n", "\\t", "\\r", "\\u{hex}"]);
      }
      value += dec;
      j += 2;
      continue;
    }
    value += ch;
    j++;
  }
}
