/** CSV lookup tables (assets, identities, plain) shared by SPL lookups and the views. */
export { parseCsv } from "./csv.ts";
export type { CsvTable } from "./csv.ts";
export { LookupStore } from "./store.ts";
export type { Enrichment, LookupRole, LookupTable } from "./store.ts";
