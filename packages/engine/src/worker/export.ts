import { eventFields } from "../store/dataset.ts";
import type { Segment } from "../store/types.ts";
import { toCsv, toExportRows, type ExportRow } from "../exec/spl/format.ts";
import type { Value } from "../exec/functions/registry.ts";
import type { EventRefs } from "./core.ts";

/** Most events one export writes; the caller is told when the result had more. */
export const MAX_EXPORT = 1_000_000;

/** A result as text: NDJSON (one object per line) or CSV (RFC 4180 quoting). */
export interface ExportText {
  text: string;
  rows: number;
  truncated: boolean;
}

/** Events as export rows: `_time` (ISO-8601 UTC), `sourcetype`, every stored field, `_raw`. */
export function exportEvents(segs: Segment[], list: EventRefs, format: "csv" | "ndjson"): ExportText {
  const n = Math.min(list.length, MAX_EXPORT);
  const rows: ExportRow[] = [];
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const seg = segs[list.seg[i]!]!;
    const r = list.row[i]!;
    const t = seg.time[r]!;
    const row: ExportRow = { _time: Number.isNaN(t) ? "" : new Date(t).toISOString() };
    for (const [k, v] of Object.entries(eventFields(seg, r))) {
      row[k] = Array.isArray(v) ? v.map(String) : String(v);
      names.add(k);
    }
    row._raw = seg.raw[r]!;
    rows.push(row);
  }
  const fields = ["_time", ...[...names].sort(), "_raw"];
  return { text: format === "csv" ? toCsv(fields, rows) : ndjson(rows), rows: n, truncated: list.length > n };
}

/** Table rows as export rows (Splunk's CSV/JSON conventions: `_time` formatted in `tz`). */
export function exportTable(fields: string[], rows: Array<Record<string, Value>>, format: "csv" | "ndjson", tz: string): ExportText {
  const out = toExportRows(rows, fields, tz);
  return { text: format === "csv" ? toCsv(fields, out) : ndjson(out), rows: out.length, truncated: false };
}

function ndjson(rows: ExportRow[]): string {
  let s = "";
  for (const r of rows) s += JSON.stringify(r) + "\n";
  return s;
}
