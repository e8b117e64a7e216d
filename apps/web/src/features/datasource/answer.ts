/** Server answers reduced to what the panels draw: events, sequences or a table. Pure functions. */
import type { EqlHit } from "@quarry/engine";
import type { RemoteAnswer } from "./datasource-store.ts";

/** What kind of result an answer is and how many it holds (as the local summary counts them). */
export function answerTotal(a: RemoteAnswer): { kind: "events" | "sequences" | "table"; total: number } {
  if (a.lang === "eql") {
    const hits = a.body.hits;
    return { kind: hits.sequences ? "sequences" : "events", total: hits.total.value };
  }
  return { kind: isEventList(a.body.fields) ? "events" : "table", total: a.body.results.length };
}

/** An SPL answer is a list of events (not a transformed table) when its rows still carry `_raw`. */
export function isEventList(fields: string[]): boolean {
  return fields.includes("_raw");
}

/** One event row for the list: its id, time text and a one-line summary. */
export interface EventLine {
  id: string;
  time: string;
  text: string;
}

/** The event lines of an EQL hit (missing sequence slots show as such). */
export function hitLine(h: EqlHit, i: number): EventLine {
  if ("missing" in h) return { id: `missing-${i}`, time: "", text: "(missing event)" };
  const src = h._source;
  const ts = src["@timestamp"];
  return { id: h._id, time: typeof ts === "string" || typeof ts === "number" ? String(ts) : "", text: typeof src._raw === "string" ? src._raw : JSON.stringify(src) };
}

/** The event line of an SPL result row (`_time` in epoch seconds). */
export function splLine(row: Record<string, unknown>, i: number): EventLine {
  const t = row._time;
  return { id: String(i), time: typeof t === "number" ? new Date(t * 1000).toISOString() : t == null ? "" : String(t), text: typeof row._raw === "string" ? row._raw : JSON.stringify(row) };
}

/** A table cell's text (multivalues joined one per line, as Splunk shows them). */
export function cellText(v: unknown): string {
  if (v == null) return "";
  if (Array.isArray(v)) return v.map(cellText).join("\n");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Bars for a table: the first column as labels, the first numeric column after it as values. */
export function tableBars(fields: string[], rows: Array<Record<string, unknown>>): { label: string; value: number }[] | null {
  if (fields.length < 2 || rows.length === 0) return null;
  const valueField = fields.slice(1).find((f) => rows.every((r) => typeof r[f] === "number" || typeof r[f] === "string" && r[f] !== "" && Number.isFinite(Number(r[f]))));
  if (!valueField) return null;
  return rows.slice(0, 50).map((r) => ({ label: cellText(r[fields[0]!]), value: Number(r[valueField]) }));
}
