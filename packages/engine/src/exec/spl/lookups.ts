import type { Dataset } from "../../store/dataset.ts";
import type { Row } from "./table.ts";

/** A CSV lookup table: header fields and rows of text values. */
export interface LookupTable {
  fields: string[];
  rows: Row[];
}

const TABLES = new WeakMap<Dataset, Map<string, LookupTable>>();

/** Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF) into a header and rows. */
export function parseCsv(text: string): LookupTable {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ""));
  const fields = (nonEmpty[0] ?? []).map((f) => f.replace(/^\uFEFF/, "").trim());
  const rows = nonEmpty.slice(1).map((r) => {
    const row: Row = {};
    fields.forEach((f, i) => {
      const v = r[i];
      if (v !== undefined && v !== "") row[f] = v;
    });
    return row;
  });
  return { fields, rows };
}

/** Registers a CSV lookup table on a dataset under `name` (also reachable as `name.csv`). */
export function registerLookup(ds: Dataset, name: string, csvText: string): LookupTable {
  let m = TABLES.get(ds);
  if (!m) TABLES.set(ds, (m = new Map()));
  const table = parseCsv(csvText);
  m.set(name.replace(/\.csv$/i, ""), table);
  return table;
}

/** Removes a registered lookup table; true when it was there. */
export function removeLookup(ds: Dataset, name: string): boolean {
  return TABLES.get(ds)?.delete(name.replace(/\.csv$/i, "")) ?? false;
}

/** The lookup table registered as `name` (with or without `.csv`), or undefined. */
export function getLookup(ds: Dataset, name: string): LookupTable | undefined {
  return TABLES.get(ds)?.get(name.replace(/\.csv$/i, ""));
}

/** Names of the registered lookup tables of a dataset. */
export function lookupNames(ds: Dataset): string[] {
  return [...(TABLES.get(ds)?.keys() ?? [])].sort();
}
