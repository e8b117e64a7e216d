import { strftime, tzOffset } from "../../lang/spl/time.ts";
import type { Scalar } from "../../store/types.ts";
import type { Value } from "../functions/registry.ts";
import { formatNumber } from "./functions.ts";

/** A result row as Splunk exports it: every value is text, multivalues are arrays of text. */
export type ExportRow = Record<string, string | string[]>;

/** Splunk's export rendering of `_time`: ISO 8601 with milliseconds and the zone offset of `tz`. */
export function exportTime(seconds: number, tz: string): string {
  const ms = Math.round(seconds * 1000);
  const off = tzOffset(ms, tz) / 60000;
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  return `${strftime(ms, "%Y-%m-%dT%H:%M:%S.%3N", tz)}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

function text(v: Scalar): string {
  if (v === null) return "";
  if (typeof v === "number") return formatNumber(v);
  return String(v);
}

/** Converts result rows to Splunk's export shape (text values, `_time` rendered in `tz`). */
export function toExportRows(rows: Array<Record<string, Value>>, fields: string[], tz: string): ExportRow[] {
  return rows.map((r) => {
    const out: ExportRow = {};
    for (const f of fields) {
      const v = r[f];
      if (v === undefined || v === null) continue;
      if (f === "_time" && typeof v === "number") out[f] = exportTime(v, tz);
      else out[f] = Array.isArray(v) ? v.map(text) : text(v);
    }
    return out;
  });
}

function csvCell(v: string | string[] | undefined): string {
  if (v === undefined) return "";
  const s = Array.isArray(v) ? v.join("\n") : v;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV as Splunk writes it: a header row, quoted cells when needed, multivalues joined by newlines. */
export function toCsv(fields: string[], rows: ExportRow[]): string {
  const lines = [fields.map((f) => csvCell(f)).join(",")];
  for (const r of rows) lines.push(fields.map((f) => csvCell(r[f])).join(","));
  return lines.join("\n") + "\n";
}

/** An aligned text table for terminals (multivalues joined by " | ", long cells cut at `width`). */
export function toAlignedTable(fields: string[], rows: ExportRow[], width = 80): string {
  const cell = (v: string | string[] | undefined) => {
    const s = (Array.isArray(v) ? v.join(" | ") : (v ?? "")).replace(/[\r\n\t]+/g, " ");
    return s.length > width ? s.slice(0, width - 1) + "…" : s;
  };
  const cells = rows.map((r) => fields.map((f) => cell(r[f])));
  const widths = fields.map((f, i) => Math.max(f.length, ...cells.map((c) => c[i]!.length)));
  const line = (cs: string[]) => cs.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(fields), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}
