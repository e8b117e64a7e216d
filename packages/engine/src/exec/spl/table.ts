import type { Value } from "../functions/registry.ts";
import type { TableColumns } from "./columns.ts";

/** A result row: field name → value; `_time` is epoch seconds, `_raw` the event text. */
export type Row = Record<string, Value>;

/**
 * SPL's intermediate result: rows plus the ordered field list. `fields` is null while the rows
 * are raw events (their fields are whatever the events carry; derived on demand).
 */
export interface Table {
  rows: Row[];
  fields: string[] | null;
  /** Set after `tstats prestats=t`: rows are pre-counted groups and `count` sums this field. */
  weightField?: string;
  /** The rows as columns, when an executor made columns (see columns.ts): `rows` is then built on first read. */
  columns?: TableColumns;
}

/** The ordered field list of a table (events: `_time`, `_raw`, then the rest alphabetically). */
export function fieldsOf(t: Table): string[] {
  if (t.fields) return t.fields;
  const seen = new Set<string>();
  for (const r of t.rows) for (const k in r) seen.add(k);
  const rest = [...seen].filter((f) => f !== "_time" && f !== "_raw").sort();
  return [...(seen.has("_time") ? ["_time"] : []), ...(seen.has("_raw") ? ["_raw"] : []), ...rest];
}

/** Appends `name` to an explicit field list when it is new. */
export function addField(t: Table, name: string): void {
  if (t.fields && !t.fields.includes(name)) t.fields.push(name);
}

/** Splunk-style wildcard match of a field name (`*` only); returns what each `*` matched, or null. */
export function matchFieldPattern(pattern: string, name: string): string[] | null {
  if (!pattern.includes("*")) return pattern === name ? [] : null;
  const re = new RegExp("^" + pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("(.*?)") + "$", "s");
  const m = re.exec(name);
  return m ? m.slice(1) : null;
}

/** Fields of `all` matching any of the patterns, in pattern order then field order, without repeats. */
export function expandPatterns(patterns: string[], all: string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (!p.includes("*")) {
      if (!out.includes(p)) out.push(p);
      continue;
    }
    for (const f of all) if (matchFieldPattern(p, f) && !out.includes(f)) out.push(f);
  }
  return out;
}
