import type { Value } from "../functions/registry.ts";
import type { TableColumns } from "../stream.ts";
import type { Row, Table } from "./table.ts";

/**
 * Results held as columns (`TableColumns`, parallel to the field list; a null cell means the row
 * has no such key).
 *
 * Why: a one-minute timechart over a month is 44 746 rows × 13 fields, and building them as
 * objects was most of its time, while the app shows 1000 rows a page and DuckDB hands back an
 * Arrow table. Aggregations that produce whole columns return them so; rows are made only when
 * someone reads `rows` (the CLI's export, a later pipe) or a page of them (the worker).
 */
export type { TableColumns };

/**
 * A table over columns whose `rows` are built on first read. `rows` is an own, enumerable
 * property (spreads and JSON see the rows); `columns` is not enumerable, so a table a pipe makes
 * by spreading this one and replacing its rows does not carry columns that no longer match, and
 * assigning `rows` drops them too.
 */
export function columnarTable(fields: string[], data: Array<Float64Array | Value[]>, length: number): Table {
  let rows: Row[] | null = null;
  const table = { fields } as Table;
  Object.defineProperty(table, "columns", { enumerable: false, configurable: true, writable: true, value: { length, data } satisfies TableColumns });
  Object.defineProperty(table, "rows", {
    enumerable: true,
    configurable: true,
    get: () => (rows ??= rowsOf(fields, { length, data }, 0, length)),
    set: (v: Row[]) => {
      rows = v;
      table.columns = undefined;
    },
  });
  return table;
}

/**
 * Rows start..end-1 of columns as objects. Without null cells every row is a copy of one template
 * that already has all keys in field order, so all rows share one hidden class and each cell is
 * a store to an existing property (adding computed keys to `{}` walked V8's map transitions);
 * with nulls, keys are added in field order and null cells left out.
 */
export function rowsOf(fields: string[], columns: TableColumns, start: number, end: number): Row[] {
  const lo = Math.max(0, Math.min(start, columns.length));
  const hi = Math.max(lo, Math.min(end, columns.length));
  const { data } = columns;
  const nf = fields.length;
  const out: Row[] = new Array<Row>(hi - lo);
  if (!hasNull(data, lo, hi)) {
    const template: Row = {};
    for (const f of fields) template[f] = 0;
    for (let i = lo; i < hi; i++) {
      const row: Row = { ...template };
      for (let j = 0; j < nf; j++) row[fields[j]!] = data[j]![i]!;
      out[i - lo] = row;
    }
    return out;
  }
  for (let i = lo; i < hi; i++) {
    const row: Row = {};
    for (let j = 0; j < nf; j++) {
      const v = data[j]![i]!;
      if (v !== null) row[fields[j]!] = v;
    }
    out[i - lo] = row;
  }
  return out;
}

function hasNull(data: Array<Float64Array | Value[]>, lo: number, hi: number): boolean {
  for (const col of data) {
    if (col instanceof Float64Array) continue;
    for (let i = lo; i < hi; i++) if (col[i] === null || col[i] === undefined) return true;
  }
  return false;
}
