/** Server answers reduced to what the panels draw: events, sequences or a table. Pure functions. */
import { lowerEql, parseEql, parseSpl, type EqlHit, type Expr, type TimeRange } from "@quarry/engine";
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
  // timechart/bin rows label by `_time` (epoch seconds): shown as UTC times, not raw numbers.
  const label = (v: unknown) => (fields[0] === "_time" && typeof v === "number" ? new Date(v * 1000).toISOString().replace(".000Z", "Z") : cellText(v));
  return rows.slice(0, 50).map((r) => ({ label: label(r[fields[0]!]), value: Number(r[valueField]) }));
}

/** A field of the returned events with how many carry it and its most common values. */
export interface FieldTally {
  field: string;
  count: number;
  top: Array<{ value: string | number; count: number }>;
}

/** The rows behind an answer's events (EQL `_source`s, flattened to dotted names; SPL rows as they are). */
export function answerRows(a: RemoteAnswer): Array<Record<string, unknown>> {
  if (a.lang === "spl") return isEventList(a.body.fields) ? a.body.results : [];
  const hits = a.body.hits.events ?? (a.body.hits.sequences ?? []).flatMap((s) => s.events);
  return hits.flatMap((h) => ("missing" in h ? [] : [flatten(h._source)]));
}

/** Nested objects to dotted names (ECS documents nest; the query names fields dotted). */
export function flatten(src: Record<string, unknown>, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(src)) {
    const name = prefix + k;
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, name + ".", out);
    else out[name] = v;
  }
  return out;
}

/** Per field of `rows`: events carrying it and the `topN` most common scalar values (ties by first seen). */
export function tallyFields(rows: Array<Record<string, unknown>>, topN = 5): FieldTally[] {
  const fields = new Map<string, { count: number; values: Map<string | number, number> }>();
  for (const row of rows) {
    for (const [field, v] of Object.entries(row)) {
      if (v == null || field === "_raw") continue;
      let f = fields.get(field);
      if (!f) fields.set(field, (f = { count: 0, values: new Map() }));
      f.count++;
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === "string" || typeof x === "number") f.values.set(x, (f.values.get(x) ?? 0) + 1);
    }
  }
  return [...fields]
    .map(([field, f]) => ({ field, count: f.count, top: [...f.values].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([value, count]) => ({ value, count })) }))
    .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
}

/**
 * The events of an answer as a view scope on the server: the search's plan filter (`where`) and
 * time bounds, for "current result" in a view. Only a plain event search has one (an SPL search
 * without pipes, an EQL event query without pipes); sequences and tables give null. SPL answers
 * ran within the time picker's range, so the range joins the search's own.
 */
export function answerScope(a: RemoteAnswer | null, range: TimeRange | null, tz: string, nowMs = Date.now()): { where: Expr; earliest: number | null; latest: number | null } | null {
  if (!a) return null;
  try {
    const plan = a.lang === "spl" ? parseSpl(a.text, { nowMs, tz }).plan : lowerEql(parseEql(a.text), { dialect: "elastic", eventCategoryField: "event.category" });
    if (plan.source.kind !== "events" || plan.pipes.length > 0) return null;
    const own = plan.timeRange ?? { earliest: null, latest: null };
    const picked = a.lang === "spl" && range ? range : { earliest: null, latest: null };
    const later = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
    const sooner = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
    return { where: plan.source.where, earliest: later(own.earliest, picked.earliest), latest: sooner(own.latest, picked.latest) };
  } catch {
    return null;
  }
}

/** Field names of an answer's events (for field pickers), most common first. */
export function answerFieldNames(a: RemoteAnswer | null): string[] {
  return a ? tallyFields(answerRows(a), 0).map((f) => f.field) : [];
}
