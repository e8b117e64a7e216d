import type { Pipe } from "../../../lang/plan.ts";
import { expandPatterns, fieldsOf, matchFieldPattern, type Row, type Table } from "../table.ts";
import { numberOf } from "../values.ts";

/** table: only the listed fields, in order (wildcards expand in field order). */
export function runTable(table: Table, p: Extract<Pipe, { kind: "table" }>): Table {
  const fields = expandPatterns(p.patterns, fieldsOf(table));
  const rows = table.rows.map((r) => {
    const row: Row = {};
    for (const f of fields) if (r[f] !== undefined && r[f] !== null) row[f] = r[f]!;
    return row;
  });
  return { rows, fields };
}

/** fields: keep (internal `_` fields stay, as in Splunk) or remove by name/wildcard. */
export function runFields(table: Table, p: Extract<Pipe, { kind: "fields" }>): Table {
  const all = fieldsOf(table);
  const matched = new Set(expandPatterns(p.patterns, all));
  let fields: string[];
  if (p.mode === "remove") fields = all.filter((f) => !matched.has(f));
  else {
    const listed = expandPatterns(p.patterns, all);
    fields = [...listed, ...all.filter((f) => f.startsWith("_") && !matched.has(f) && (f === "_time" || f === "_raw"))];
  }
  const keep = new Set(fields);
  const rows = table.rows.map((r) => {
    const row: Row = {};
    for (const k in r) if (keep.has(k)) row[k] = r[k]!;
    return row;
  });
  return { ...table, rows, fields };
}

/** rename: `a as b`, or with wildcards `Processes.* as *` (the starred part carries over). */
export function runRename(table: Table, p: Extract<Pipe, { kind: "rename" }>): Table {
  let fields = fieldsOf(table);
  let rows = table.rows;
  for (const { from, to } of p.pairs) {
    const mapping = new Map<string, string>();
    for (const f of fields) {
      const m = matchFieldPattern(from, f);
      if (!m) continue;
      let i = 0;
      mapping.set(f, to.includes("*") ? to.replace(/\*/g, () => m[i++] ?? "") : to);
    }
    if (!from.includes("*") && !fields.includes(from)) mapping.set(from, to);
    rows = rows.map((r) => {
      const row: Row = {};
      for (const k in r) {
        const nk = mapping.get(k);
        if (nk === undefined) {
          if (![...mapping.values()].includes(k)) row[k] = r[k]!;
        } else row[nk] = r[k]!;
      }
      return row;
    });
    const next: string[] = [];
    for (const f of fields) {
      const nf = mapping.get(f) ?? f;
      if ([...mapping.values()].includes(f) && !mapping.has(f)) continue;
      if (!next.includes(nf)) next.push(nf);
    }
    fields = next;
  }
  return { ...table, rows, fields: table.fields || p.pairs.length > 0 ? fields : null };
}

/** fillnull: missing values of the listed fields (or of every field) become the value. */
export function runFillnull(table: Table, p: Extract<Pipe, { kind: "fillnull" }>): Table {
  const fields = p.fields.length > 0 ? p.fields : fieldsOf(table).filter((f) => !f.startsWith("_"));
  const n = numberOf(p.value);
  const value = n !== null ? n : p.value;
  const rows = table.rows.map((r) => {
    const row: Row = { ...r };
    for (const f of fields) if (row[f] === undefined || row[f] === null || row[f] === "") row[f] = value;
    return row;
  });
  const out: Table = { ...table, rows, fields: table.fields ? [...table.fields] : null };
  if (out.fields) for (const f of fields) if (!out.fields.includes(f)) out.fields.push(f);
  return out;
}
