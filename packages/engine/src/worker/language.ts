import type { Dataset } from "../store/dataset.ts";
import { eqlCompletionContext } from "../lang/eql/completion.ts";
import { compileEql } from "../lang/eql/compile.ts";
import { eqlFunction, eqlFunctionNames } from "../lang/eql/functions.ts";
import { parseSpl } from "../lang/spl/parse.ts";
import { SPL_COMMANDS } from "../lang/spl/registry.ts";
import { toWireError, type Completion, type CompletionResult, type WireError } from "./protocol.ts";

/** Most suggestions returned for one request. */
const MAX_ITEMS = 300;

/** Parses (and lowers) a query without running it: null when fine, else the positioned error. */
export function checkQuery(lang: "eql" | "spl", text: string): WireError | null {
  try {
    if (lang === "eql") compileEql(text, { dialect: "elastic", eventCategoryField: "event.category" });
    else parseSpl(text);
    return null;
  } catch (e) {
    return toWireError(e);
  }
}

/**
 * Suggestions at an offset, in offsets (the editor adapter converts to positions): field names
 * of the loaded data, EQL keywords/functions/pipes, SPL commands after a pipe, and top values of
 * a field after a comparison.
 */
export function completeQuery(ds: Dataset, lang: "eql" | "spl", text: string, offset: number): CompletionResult {
  return lang === "eql" ? completeEql(ds, text, offset) : completeSpl(ds, text, offset);
}

function completeEql(ds: Dataset, text: string, offset: number): CompletionResult {
  const ctx = eqlCompletionContext(text, offset);
  const items: Completion[] = [];
  const fields = () => ds.fieldNames().forEach((f) => items.push({ label: f, kind: "field" }));
  switch (ctx.kind) {
    case "field":
      fields();
      for (const f of eqlFunctionNames()) items.push({ label: f, kind: "function", detail: fnDetail(f) });
      break;
    case "function":
      for (const f of eqlFunctionNames()) items.push({ label: f, kind: "function", detail: fnDetail(f) });
      break;
    case "category":
      for (const c of categories(ds)) items.push({ label: c, kind: "value", detail: "event category" });
      break;
    case "value": {
      const field = fieldBefore(text, ctx.span.start);
      if (field) for (const v of topValues(ds, field)) items.push({ label: JSON.stringify(v), kind: "value", detail: field });
      break;
    }
    case "keyword":
    case "pipe":
    case "none":
      break;
  }
  for (const k of ctx.keywords) items.push({ label: k, kind: ctx.kind === "pipe" ? "command" : "keyword" });
  return { span: ctx.span, items: filter(items, ctx.prefix) };
}

function completeSpl(ds: Dataset, text: string, offset: number): CompletionResult {
  const at = Math.max(0, Math.min(offset, text.length));
  let start = at;
  while (start > 0 && /[\w.@:-]/.test(text[start - 1]!)) start--;
  const prefix = text.slice(start, at);
  const before = text.slice(0, start).trimEnd();
  const items: Completion[] = [];
  if (before.endsWith("|")) {
    for (const c of SPL_COMMANDS) items.push({ label: c.name, kind: "command", detail: c.syntax });
  } else {
    const m = /([\w.@:-]+)\s*(?:=|!=)\s*"?$/.exec(text.slice(0, start));
    if (m) for (const v of topValues(ds, m[1]!)) items.push({ label: /^[\w.-]+$/.test(v) ? v : JSON.stringify(v), kind: "value", detail: m[1]! });
    else ds.fieldNames().forEach((f) => items.push({ label: f, kind: "field" }));
    for (const k of ["AND", "OR", "NOT", "by", "as", "earliest=", "latest="]) items.push({ label: k, kind: "keyword" });
  }
  return { span: { start, end: at }, items: filter(items, prefix) };
}

function filter(items: Completion[], prefix: string): Completion[] {
  const p = prefix.toLowerCase();
  const seen = new Set<string>();
  const out: Completion[] = [];
  for (const it of items) {
    if (seen.has(it.label) || (p && !it.label.toLowerCase().includes(p))) continue;
    seen.add(it.label);
    out.push(it);
    if (out.length >= MAX_ITEMS) break;
  }
  return out;
}

/** The field name just before a comparison operator ending at `end`. */
function fieldBefore(text: string, end: number): string | null {
  const m = /([\w.@?]+)\s*(?:==|!=|:|=|<=|>=|<|>|in~?\s*\(|like~?|regex~?)\s*\(?\s*"?$/.exec(text.slice(0, end));
  return m ? m[1]!.replace(/^\?/, "") : null;
}

/** The most frequent values of a field (dictionary counts; numbers as text). */
function topValues(ds: Dataset, field: string, n = 20): string[] {
  const dict = ds.dicts.get(field);
  if (!dict) return [];
  const counts = new Uint32Array(dict.size);
  for (const seg of ds.segments) {
    const col = seg.columns.get(field) ?? (seg.aliases.has(field) ? seg.columns.get(seg.aliases.get(field)!) : undefined);
    // Slice columns hold near-unique text: nothing worth offering as a completion.
    if (!col || col.kind === "num" || col.kind === "slice") continue;
    for (let i = 0; i < col.ids.length; i++) counts[col.ids[i]!]!++;
  }
  const ids: number[] = [];
  for (let id = 1; id < counts.length; id++) if (counts[id]! > 0) ids.push(id);
  ids.sort((a, b) => counts[b]! - counts[a]!);
  return ids.slice(0, n).map((id) => dict.values[id]!);
}

function categories(ds: Dataset): string[] {
  return ["any", ...topValues(ds, "event.category", 50)];
}

function fnDetail(name: string): string {
  const f = eqlFunction(name);
  if (!f) return "function";
  return `function, ${f.minArgs === f.maxArgs ? f.minArgs : `${f.minArgs}–${Number.isFinite(f.maxArgs) ? f.maxArgs : "n"}`} args`;
}
