/**
 * What kind of thing belongs at a cursor position in an EQL query, for the editor's completion.
 * Works on tokens before the cursor only, so it answers for half-typed and even unparsable text;
 * offsets in, offsets out (no editor types).
 */
import { QueryError, type Span } from "../errors.ts";
import { eqlFunctionNames } from "./functions.ts";
import { lexEql, type Token } from "./lexer.ts";

export type EqlCompletionKind = "category" | "field" | "function" | "keyword" | "pipe" | "value" | "none";

export interface EqlCompletionContext {
  kind: EqlCompletionKind;
  /** The partial word under the cursor that a suggestion replaces. */
  span: Span;
  prefix: string;
  /** Keywords (and, for field positions, function names) that fit here. */
  keywords: string[];
  /** At a value position: the field being compared (`process.name` in `process.name == "|`). */
  field?: string;
}

const AFTER_VALUE = ["and", "or", "not", "in", "in~", "like", "like~", "regex", "regex~", ":", "==", "!=", "<", "<=", ">", ">=", "|"];
const PIPES = ["head", "tail", "count", "unique", "unique_count", "filter", "sort"];
const STARTS = ["any", "sequence", "sample", "process", "file", "network", "registry", "library", "dns", "authentication"];
const VALUE_OPS = new Set(["==", "=", "!=", "<", "<=", ">", ">=", ":"]);
const FIELD_WORDS = new Set(["where", "and", "or", "not", "by"]);

const LIST_WORDS = new Set(["in", "like", "regex"]);

/** The field operand before the operator at `opIndex` (`a` in `a == `, `?a not in (`), if it is a plain field. */
function fieldBefore(tokens: Token[], opIndex: number): string | undefined {
  let i = opIndex - 1;
  if (tokens[i]?.kind === "ident" && tokens[i]!.value === "not") i--;
  const t = tokens[i];
  if (!t || (t.kind !== "ident" && t.kind !== "quotedIdent")) return undefined;
  const name = t.value.endsWith(".keyword") ? t.value.slice(0, -8) : t.value;
  return ["true", "false", "null"].includes(name) ? undefined : name;
}

/** Index of the operator that opens the value position ending the token list, if any. */
function valueOperator(tokens: Token[]): number | null {
  let i = tokens.length - 1;
  const t = tokens[i];
  if (!t) return null;
  if (t.kind === "op" && VALUE_OPS.has(t.value)) return i;
  if (t.kind === "ident" && LIST_WORDS.has(t.value)) return i;
  if (t.kind === "op" && t.value === "~" && tokens[i - 1]?.kind === "ident" && LIST_WORDS.has(tokens[i - 1]!.value)) return i - 1;
  // Inside a list: walk back to its `(` at depth 0 and look at what opened it.
  if (t.kind === "op" && (t.value === "(" || t.value === ",")) {
    let depth = 0;
    for (; i >= 0; i--) {
      const u = tokens[i]!;
      if (u.kind === "op" && u.value === ")") depth++;
      else if (u.kind === "op" && u.value === "(") {
        if (depth === 0) break;
        depth--;
      }
    }
    if (i < 0) return null;
    let j = i - 1;
    if (tokens[j]?.kind === "op" && tokens[j]!.value === "~") j--;
    const op = tokens[j];
    if (op && ((op.kind === "ident" && LIST_WORDS.has(op.value)) || (op.kind === "op" && op.value === ":"))) return j;
  }
  return null;
}

/** Classify the position `offset` in `text`: field, function, keyword, pipe, value or category. */
export function eqlCompletionContext(text: string, offset: number): EqlCompletionContext {
  const at = Math.max(0, Math.min(offset, text.length));
  let tokens: Token[];
  try {
    tokens = lexEql(text.slice(0, at)).tokens;
  } catch (e) {
    // An unterminated string before the cursor: the user is typing a value (or a comment: prose).
    const open = e instanceof QueryError && /^unterminated (raw )?string/.test(e.message) ? e.span.start : -1;
    const ctx: EqlCompletionContext = { kind: "value", span: { start: at, end: at }, prefix: "", keywords: [] };
    if (open < 0) return ctx;
    const body = text[open] === "?" ? open + 2 : text.startsWith('"""', open) ? open + 3 : open + 1;
    ctx.span = { start: open, end: at };
    ctx.prefix = text.slice(Math.min(body, at), at);
    try {
      const before = lexEql(text.slice(0, open)).tokens.filter((t) => t.kind !== "eof");
      const op = valueOperator(before);
      const field = op === null ? undefined : fieldBefore(before, op);
      if (field) ctx.field = field;
    } catch {
      // Text before the string does not lex either; the value context stands without a field.
    }
    return ctx;
  }
  tokens = tokens.filter((t) => t.kind !== "eof");
  let last = tokens[tokens.length - 1];
  let span: Span = { start: at, end: at };
  let prefix = "";
  // A word touching the cursor is the prefix being completed; classify by what precedes it.
  if (last && last.end === at && (last.kind === "ident" || last.kind === "quotedIdent")) {
    span = { start: last.start, end: last.end };
    prefix = last.value;
    tokens = tokens.slice(0, -1);
    last = tokens[tokens.length - 1];
  } else if (last && last.end === at && last.kind === "string") {
    const before = tokens.slice(0, -1);
    const op = valueOperator(before);
    const ctx: EqlCompletionContext = { kind: "value", span: { start: last.start, end: last.end }, prefix: last.value, keywords: [] };
    const field = op === null ? undefined : fieldBefore(before, op);
    if (field) ctx.field = field;
    return ctx;
  }
  const fields = [...eqlFunctionNames(), "not", "true", "false", "null"];
  const res = (kind: EqlCompletionKind, keywords: string[]): EqlCompletionContext => {
    // A word already followed by `(` can only be a function name.
    if (kind === "field" && text[span.end] === "(") return { kind: "function", span, prefix, keywords: eqlFunctionNames() };
    const ctx: EqlCompletionContext = { kind, span, prefix, keywords };
    if (kind === "value") {
      const op = valueOperator(tokens);
      const field = op === null ? undefined : fieldBefore(tokens, op);
      if (field) ctx.field = field;
    }
    return ctx;
  };
  if (!last) return res("category", STARTS);
  const prev = tokens[tokens.length - 2];
  if (last.kind === "op") {
    const v = last.value;
    if (v === "|") return res("pipe", PIPES);
    if (v === "[" || v === "![") return res("category", STARTS.filter((s) => s !== "sequence" && s !== "sample"));
    if (VALUE_OPS.has(v)) return res("value", ["null", "true", "false"]);
    if (v === "(" || v === ",") {
      // Inside `in (…)` / `: (…)` lists values are expected; inside calls and parentheses, expressions.
      let depth = 0;
      for (let i = tokens.length - 1; i >= 0; i--) {
        const t = tokens[i]!;
        if (t.kind === "op" && t.value === ")") depth++;
        else if (t.kind === "op" && t.value === "(") {
          if (depth === 0) {
            const before = tokens[i - 1];
            const b2 = tokens[i - 2];
            const isListOp = (x?: Token) => !!x && ((x.kind === "ident" && ["in", "like", "regex"].includes(x.value)) || (x.kind === "op" && x.value === ":"));
            if (isListOp(before) || (before?.kind === "op" && before.value === "~" && isListOp(b2))) return res("value", ["null"]);
            return res("field", fields);
          }
          depth--;
        }
      }
      return res("field", fields);
    }
    if (v === "]" || v === ")") return res("keyword", v === "]" ? ["by", "with", "until", "|", "and", "or"] : AFTER_VALUE);
    if (v === "~") return res("value", []);
    return res("field", fields);
  }
  if (last.kind === "ident") {
    const v = last.value;
    if (FIELD_WORDS.has(v)) return res("field", fields);
    if (v === "in" || v === "like" || v === "regex") return res("value", []);
    if (v === "sequence") return res("keyword", ["by", "with"]);
    if (v === "sample" || v === "join") return res("keyword", ["by"]);
    if (v === "with") return res("keyword", ["maxspan", "runs"]);
    if (v === "of" && prev?.kind === "ident") return res("keyword", ["["]);
    if (prev?.kind === "op" && (prev.value === "[" || prev.value === "![")) return res("keyword", ["where"]);
    if (!prev) return res("keyword", ["where"]);
    if (prev.kind === "op" && prev.value === "|") return res("field", fields);
    return res("keyword", AFTER_VALUE);
  }
  if (last.kind === "string" || last.kind === "number" || last.kind === "quotedIdent") return res("keyword", AFTER_VALUE);
  return res("none", []);
}
