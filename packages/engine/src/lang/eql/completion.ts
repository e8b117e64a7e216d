/**
 * What kind of thing belongs at a cursor position in an EQL query, for the editor's completion.
 * Works on tokens before the cursor only, so it answers for half-typed and even unparsable text;
 * offsets in, offsets out (no editor types).
 */
import type { Span } from "../errors.ts";
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
}

const AFTER_VALUE = ["and", "or", "not", "in", "in~", "like", "like~", "regex", "regex~", ":", "==", "!=", "<", "<=", ">", ">=", "|"];
const PIPES = ["head", "tail", "count", "unique", "unique_count", "filter", "sort"];
const STARTS = ["any", "sequence", "sample", "process", "file", "network", "registry", "library", "dns", "authentication"];
const VALUE_OPS = new Set(["==", "=", "!=", "<", "<=", ">", ">=", ":"]);
const FIELD_WORDS = new Set(["where", "and", "or", "not", "by"]);

/** Classify the position `offset` in `text`: field, function, keyword, pipe, value or category. */
export function eqlCompletionContext(text: string, offset: number): EqlCompletionContext {
  const at = Math.max(0, Math.min(offset, text.length));
  let tokens: Token[];
  try {
    tokens = lexEql(text.slice(0, at)).tokens;
  } catch {
    // An unterminated string or comment before the cursor: the user is typing a value or prose.
    return { kind: "value", span: { start: at, end: at }, prefix: "", keywords: [] };
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
    return { kind: "value", span: { start: last.start, end: last.end }, prefix: last.value, keywords: [] };
  }
  const fields = [...eqlFunctionNames(), "not", "true", "false", "null"];
  const res = (kind: EqlCompletionKind, keywords: string[]): EqlCompletionContext =>
    // A word already followed by `(` can only be a function name.
    kind === "field" && text[span.end] === "(" ? { kind: "function", span, prefix, keywords: eqlFunctionNames() } : { kind, span, prefix, keywords };
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
