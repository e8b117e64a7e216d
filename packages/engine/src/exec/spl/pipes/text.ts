import type { Pipe } from "../../../lang/plan.ts";
import { flattenJson } from "../../../ingest/flatten.ts";
import type { Scalar } from "../../../store/types.ts";
import type { Value } from "../../functions/registry.ts";
import { jsonPath, splRegex } from "../functions.ts";
import { addField, type Row, type Table } from "../table.ts";
import { fromList, textOf, valuesOf } from "../values.ts";

/** rex: named groups of the first (or up to max_match) matches become fields; mode=sed rewrites the field. */
export function runRex(table: Table, p: Extract<Pipe, { kind: "rex" }>): Table {
  const out: Table = { ...table, fields: table.fields ? [...table.fields] : null };
  if (p.mode === "sed") {
    const m = /^s(.)((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1([gi0-9]*)$/s.exec(p.pattern);
    if (!m) return table;
    const flags = m[4]!;
    const re = splRegex(m[2]!, (flags.includes("g") ? "g" : "") + (flags.includes("i") ? "i" : ""));
    if (!re) return table;
    const nth = /\d+/.exec(flags)?.[0];
    const repl = m[3]!.replace(/\$/g, "$$$$").replace(/\\(\d)/g, "$$$1").replace(/\\(.)/g, "$1");
    out.rows = table.rows.map((r) => {
      const v = r[p.field];
      if (v === undefined || v === null) return r;
      const apply = (s: string) => {
        if (!nth) return s.replace(re, repl);
        let k = 0;
        const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
        return s.replace(g, (...args) => (++k === Number(nth) ? String(args[0]).replace(new RegExp(re.source, re.flags.replace("g", "")), repl) : String(args[0])));
      };
      return { ...r, [p.field]: Array.isArray(v) ? v.map((x) => apply(textOf(x))) : apply(textOf(v)) };
    });
    return out;
  }
  const re = splRegex(p.pattern, "g");
  if (!re) return table;
  const names = [...p.pattern.matchAll(/\(\?P?<([A-Za-z_]\w*)>/g)].map((m) => m[1]!);
  for (const n of names) addField(out, n);
  const max = p.maxMatch === 0 ? Infinity : p.maxMatch;
  out.rows = table.rows.map((r) => {
    const input = valuesOf(r[p.field] ?? null);
    if (input.length === 0) return r;
    const found = new Map<string, Scalar[]>();
    let count = 0;
    for (const text of input) {
      re.lastIndex = 0;
      for (const m of textOf(text).matchAll(re)) {
        if (count++ >= max) break;
        for (const n of names) {
          const g = m.groups?.[n];
          if (g === undefined) continue;
          const list = found.get(n) ?? [];
          list.push(g);
          found.set(n, list);
        }
        if (m[0].length === 0) break;
      }
    }
    if (found.size === 0) return r;
    const row: Row = { ...r };
    for (const [n, vs] of found) row[n] = fromList(vs);
    return row;
  });
  return out;
}

/** spath: all JSON fields of the input (dotted, `{}` for arrays), or one path into output. */
export function runSpath(table: Table, p: Extract<Pipe, { kind: "spath" }>): Table {
  const out: Table = { ...table, fields: table.fields ? [...table.fields] : null };
  out.rows = table.rows.map((r) => {
    const text = valuesOf(r[p.input] ?? null)[0];
    if (text === undefined) return r;
    const row: Row = { ...r };
    if (p.path !== null) {
      const v = jsonPath(textOf(text), p.path);
      const name = p.output ?? p.path;
      addField(out, name);
      if (v !== null) row[name] = v;
      return row;
    }
    let data: unknown;
    try {
      data = JSON.parse(textOf(text));
    } catch {
      return r;
    }
    if (data === null || typeof data !== "object") return r;
    for (const [k, v] of Object.entries(flattenJson(data as Record<string, unknown>))) {
      const name = Array.isArray(v) ? `${k}{}` : k;
      const value: Value = Array.isArray(v) ? fromList(v.map((x) => (x === null || typeof x === "object" ? JSON.stringify(x) : (x as Scalar)))) : (v as Scalar);
      if (value !== null) row[name] = value;
      addField(out, name);
    }
    return row;
  });
  return out;
}

/** makemv: splits a text field into a multivalue on a delimiter or tokenizer regex. */
export function runMakemv(table: Table, p: Extract<Pipe, { kind: "makemv" }>): Table {
  const tokenizer = p.tokenizer !== null ? splRegex(p.tokenizer, "g") : null;
  const rows = table.rows.map((r) => {
    const v = r[p.field];
    if (v === undefined || v === null || Array.isArray(v)) return r;
    const s = textOf(v);
    let parts: string[];
    if (tokenizer) parts = [...s.matchAll(tokenizer)].map((m) => m[1] ?? m[0]);
    else parts = s.split(p.delim ?? " ").filter((x) => x !== "");
    return { ...r, [p.field]: fromList(parts) };
  });
  return { ...table, rows };
}

/** mvexpand: one copy of the row per value of the field. */
export function runMvexpand(table: Table, p: Extract<Pipe, { kind: "mvexpand" }>): Table {
  const rows: Row[] = [];
  for (const r of table.rows) {
    const vs = valuesOf(r[p.field] ?? null);
    if (vs.length === 0) continue;
    for (const v of p.limit !== null ? vs.slice(0, p.limit) : vs) rows.push({ ...r, [p.field]: v });
  }
  return { ...table, rows };
}
