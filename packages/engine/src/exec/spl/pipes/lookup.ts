import type { Pipe } from "../../../lang/plan.ts";
import { SplExecError } from "../errors.ts";
import type { LookupTable } from "../lookups.ts";
import { addField, type Row, type Table } from "../table.ts";
import { fromList, keyOf, valuesOf } from "../values.ts";

/**
 * lookup: rows whose match fields equal a table row's (exact, case-sensitive, as Splunk's default
 * `case_sensitive_match`) get that row's output fields (all other table fields when none are named);
 * several matching table rows give multivalues.
 */
export function runLookup(table: Table, p: Extract<Pipe, { kind: "lookup" }>, lookup: LookupTable | undefined): Table {
  if (!lookup) throw new SplExecError(`lookup table "${p.table}" is not loaded (register a CSV with that name)`);
  for (const m of p.matchFields) if (!lookup.fields.includes(m.tableField)) throw new SplExecError(`lookup table "${p.table}" has no field "${m.tableField}"`);
  const outputs = p.outputFields.length > 0 ? p.outputFields : lookup.fields.filter((f) => !p.matchFields.some((m) => m.tableField === f)).map((f) => ({ tableField: f, as: f }));
  const index = new Map<string, Row[]>();
  for (const r of lookup.rows) {
    const k = p.matchFields.map((m) => keyOf(valuesOf(r[m.tableField] ?? null)[0] ?? null)).join("\u0000");
    const list = index.get(k) ?? [];
    list.push(r);
    index.set(k, list);
  }
  const out: Table = { ...table, fields: table.fields ? [...table.fields] : null };
  for (const o of outputs) addField(out, o.as);
  out.rows = table.rows.map((r) => {
    const vs = p.matchFields.map((m) => valuesOf(r[m.eventField] ?? null)[0]);
    if (vs.some((v) => v === undefined)) return r;
    const hits = index.get(vs.map((v) => keyOf(v!)).join("\u0000"));
    if (!hits) return r;
    const row: Row = { ...r };
    for (const o of outputs) {
      const values = hits.flatMap((h) => valuesOf(h[o.tableField] ?? null));
      if (values.length > 0) row[o.as] = fromList(values);
    }
    return row;
  });
  return out;
}
