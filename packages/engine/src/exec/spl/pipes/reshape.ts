import type { Pipe } from "../../../lang/plan.ts";
import type { Scalar } from "../../../store/types.ts";
import type { Value } from "../../functions/registry.ts";
import { expandPatterns, fieldsOf, type Row, type Table } from "../table.ts";
import { keyOf, numberOf, valuesOf } from "../values.ts";

/** untable: every non-row field of every row becomes a (row, field name, value) row; empty cells are skipped. */
export function runUntable(table: Table, p: Extract<Pipe, { kind: "untable" }>): Table {
  const cols = fieldsOf(table).filter((f) => f !== p.rowField && !f.startsWith("_"));
  const rows: Row[] = [];
  for (const r of table.rows) {
    for (const c of cols) {
      const v = r[c];
      if (v === undefined || v === null) continue;
      const row: Row = { [p.columnField]: c, [p.valueField]: v };
      if (r[p.rowField] !== undefined) row[p.rowField] = r[p.rowField]!;
      rows.push(row);
    }
  }
  return { rows, fields: [p.rowField, p.columnField, p.valueField] };
}

/** xyseries: one row per row-field value, one column per column-field value (first-seen order). */
export function runXyseries(table: Table, p: Extract<Pipe, { kind: "xyseries" }>): Table {
  const rowsByKey = new Map<string, Row>();
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of table.rows) {
    const rk = valuesOf(r[p.rowField] ?? null);
    const ck = valuesOf(r[p.columnField] ?? null);
    if (rk.length === 0 || ck.length === 0) continue;
    const key = keyOf(rk[0]!);
    let row = rowsByKey.get(key);
    if (!row) rowsByKey.set(key, (row = { [p.rowField]: rk[0]! }));
    for (const vf of p.valueFields) {
      const col = p.valueFields.length === 1 ? keyOf(ck[0]!) : `${vf}: ${keyOf(ck[0]!)}`;
      if (!seen.has(col)) {
        seen.add(col);
        columns.push(col);
      }
      const v: Value | undefined = r[vf];
      if (v !== undefined && v !== null) row[col] = v;
    }
  }
  return { rows: [...rowsByKey.values()], fields: [p.rowField, ...columns] };
}

/** addtotals: a row-sum field over numeric fields (or the listed ones); col=t appends a column-sum row. */
export function runAddtotals(table: Table, p: Extract<Pipe, { kind: "addtotals" }>): Table {
  const all = fieldsOf(table);
  const candidates = (p.fields.length > 0 ? expandPatterns(p.fields, all) : all).filter((f) => !f.startsWith("_") && f !== p.fieldname);
  const rows = table.rows.map((r) => {
    if (!p.row) return r;
    let sum = 0;
    let any = false;
    for (const f of candidates) {
      const n = numberOf((r[f] as Scalar) ?? null);
      if (n !== null) {
        sum += n;
        any = true;
      }
    }
    return any ? { ...r, [p.fieldname]: sum } : { ...r };
  });
  const fields = p.row && !all.includes(p.fieldname) ? [...all, p.fieldname] : [...all];
  if (p.col && p.labelField && !fields.includes(p.labelField)) fields.push(p.labelField);
  if (p.col) {
    const total: Row = {};
    for (const f of fields) {
      if (f.startsWith("_")) continue;
      let sum = 0;
      let any = false;
      for (const r of rows) {
        const n = numberOf((r[f] as Scalar) ?? null);
        if (n !== null) {
          sum += n;
          any = true;
        }
      }
      if (any) total[f] = sum;
    }
    if (p.labelField) total[p.labelField] = p.label ?? "Total";
    rows.push(total);
  }
  return { ...table, rows, fields };
}
