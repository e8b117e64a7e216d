/**
 * `runEql`: EQL text in, an Elasticsearch `_eql/search` response body out — the shape Kibana,
 * the CLI and the conformance suites expect: `is_partial`, `is_running`, `took`, `timed_out`,
 * `hits.total`, and `hits.events` or `hits.sequences[] {join_keys, events}` of `{_index, _id,
 * _source}`. `_source` is the original JSON document when the raw text is JSON, otherwise the
 * event's fields unflattened into objects.
 */
import { columnOf, type Dataset } from "../store/dataset.ts";
import { eventFields } from "../store/dataset.ts";
import type { Scalar, Segment } from "../store/types.ts";
import { parseEql } from "../lang/eql/parser.ts";
import { lowerEql } from "../lang/eql/lower.ts";
import type { QueryPlan } from "../lang/plan.ts";
import type { CancelToken } from "../exec/cancel.ts";
import { executePlan } from "../exec/run.ts";
import { fieldKeys } from "../exec/order.ts";
import type { SequenceHit, Stream } from "../exec/stream.ts";

/** Request parameters, under their `_eql/search` meanings. */
export interface EqlOptions {
  /** Most events or sequences returned (default 10, as Elasticsearch). */
  size?: number;
  /** Default `event.category`. */
  eventCategoryField?: string;
  /** Default `@timestamp`; a segment without this field orders by the time ingest found. */
  timestampField?: string;
  tiebreakerField?: string | null;
  /** Samples per join key for `sample` (default 1). */
  maxSamplesPerKey?: number;
  /** `endgame` runs Python EQL semantics (case-insensitive unless `caseSensitive`). */
  dialect?: "elastic" | "endgame";
  caseSensitive?: boolean;
  /** Units of the timestamp field per millisecond for `maxspan` (default 1: epoch ms, as Elasticsearch; the endgame dialect detects FILETIME ticks). */
  timeUnitsPerMs?: number;
  cancel?: CancelToken;
}

/** One event of a response (or a missing-event slot of a sequence). */
export type EqlHit = { _index: string; _id: string; _source: Record<string, unknown> } | { missing: true };

export interface EqlSequence {
  join_keys: Scalar[];
  events: EqlHit[];
}

/** The `_eql/search` response body. */
export interface EqlResponse {
  is_partial: boolean;
  is_running: boolean;
  took: number;
  timed_out: boolean;
  hits: {
    total: { value: number; relation: "eq" };
    events?: EqlHit[];
    sequences?: EqlSequence[];
  };
}

/** Parses, lowers and runs an EQL query; throws `QueryError` (positioned) for a bad query. */
export function runEql(ds: Dataset, query: string, opts: EqlOptions = {}): EqlResponse {
  const started = performance.now();
  const ast = parseEql(query);
  const plan = lowerEql(ast, {
    dialect: opts.dialect ?? "elastic",
    ...(opts.caseSensitive !== undefined ? { caseSensitive: opts.caseSensitive } : {}),
    eventCategoryField: opts.eventCategoryField ?? "event.category",
  });
  return runEqlPlan(ds, plan, opts, started);
}

/** Runs an already lowered EQL plan and shapes the response. */
export function runEqlPlan(ds: Dataset, plan: QueryPlan, opts: EqlOptions = {}, started = performance.now()): EqlResponse {
  const size = Math.max(0, Math.floor(opts.size ?? 10));
  const timestampField = opts.timestampField ?? "@timestamp";
  const stream = executePlan(ds, plan, {
    ...(opts.cancel ? { cancel: opts.cancel } : {}),
    eval: { integerDivision: true, pythonTruth: opts.dialect === "endgame", fieldType: (name) => ds.fieldTypes.get(name) },
    sortCaseInsensitive: opts.dialect === "endgame" && opts.caseSensitive !== true,
    order: { timestampField, tiebreakerField: opts.tiebreakerField ?? null },
    maxSamplesPerKey: opts.maxSamplesPerKey ?? 1,
    // Elasticsearch reads a numeric timestamp as epoch milliseconds whatever it holds; Python EQL
    // (the endgame dialect) knows FILETIME ticks, so maxspan is real time there.
    timeUnitsPerMs: opts.timeUnitsPerMs ?? (opts.dialect === "endgame" ? detectTimeUnits(ds, timestampField) : 1),
    nullJoinKeys: false,
    size,
  });
  const fromEnd = lastLimit(plan) === "tail";
  const hits = shape(ds, stream, size, fromEnd);
  return { is_partial: false, is_running: false, took: Math.round(performance.now() - started), timed_out: false, hits };
}

/** Whether the last head/tail pipe is a tail: the size cap then keeps the last results. */
function lastLimit(plan: QueryPlan): "head" | "tail" | null {
  for (let i = plan.pipes.length - 1; i >= 0; i--) {
    const k = plan.pipes[i]!.kind;
    if (k === "head" || k === "tail") return k;
  }
  return null;
}

/** FILETIME ticks (100 ns since 1601) look like 1.3e17; epoch ms like 1.6e12. */
function detectTimeUnits(ds: Dataset, field: string): number {
  for (const seg of ds.segments) {
    const keys = fieldKeys(seg, field, "time");
    for (let r = 0; r < keys.length; r++) {
      const v = keys[r]!;
      if (!Number.isNaN(v)) return v > 1e16 ? 10_000 : 1;
    }
  }
  return 1;
}

function shape(ds: Dataset, stream: Stream, size: number, fromEnd: boolean): EqlResponse["hits"] {
  switch (stream.kind) {
    case "events": {
      const n = stream.events.length;
      const start = fromEnd ? Math.max(0, n - size) : 0;
      const end = fromEnd ? n : Math.min(n, size);
      const events: EqlHit[] = [];
      for (let i = start; i < end; i++) events.push(hit(ds, stream.events.seg[i]!, stream.events.row[i]!));
      return { total: { value: events.length, relation: "eq" }, events };
    }
    case "sequences": {
      const all = stream.sequences;
      const picked = fromEnd ? all.slice(Math.max(0, all.length - size)) : all.slice(0, size);
      const sequences = picked.map((s) => sequenceOut(ds, s));
      return { total: { value: sequences.length, relation: "eq" }, sequences };
    }
    case "table":
      // Endgame `count` returns rows, not events: each row is a hit whose source is the row.
      return {
        total: { value: Math.min(size, stream.rows.length), relation: "eq" },
        events: stream.rows.slice(0, size).map((row, i) => ({ _index: "", _id: String(i), _source: row as Record<string, unknown> })),
      };
  }
}

function sequenceOut(ds: Dataset, s: SequenceHit): EqlSequence {
  const events: EqlHit[] = [];
  for (let i = 0; i < s.seg.length; i++) events.push(s.seg[i]! < 0 ? { missing: true } : hit(ds, s.seg[i]!, s.row[i]!));
  return { join_keys: s.joinKeys, events };
}

/** The response form of one stored event. */
export function hit(ds: Dataset, segIndex: number, row: number): EqlHit {
  const seg = ds.segments[segIndex]!;
  return { _index: indexOf(seg, row), _id: idOf(seg, row), _source: sourceOf(seg, row) };
}

function text(seg: Segment, field: string, row: number): string | null {
  const col = columnOf(seg, field);
  if (!col || col.kind !== "str") return null;
  const id = col.ids[row]!;
  return id === 0 ? null : col.dict.values[id]!;
}

function indexOf(seg: Segment, row: number): string {
  const explicit = text(seg, "_index", row);
  if (explicit !== null) return explicit;
  const source = text(seg, "source", row) ?? "";
  const base = source.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

function idOf(seg: Segment, row: number): string {
  return text(seg, "_id", row) ?? String(seg.seq[row]!);
}

/** Fields ingest adds that are not part of the document. */
const INGEST_FIELDS = new Set(["sourcetype", "source", "host", "index", "_index", "_id"]);

function sourceOf(seg: Segment, row: number): Record<string, unknown> {
  const raw = seg.raw[row] ?? "";
  const t = raw.trimStart();
  if (t.startsWith("{")) {
    try {
      const v: unknown = JSON.parse(raw);
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // Not JSON after all: fall back to the stored fields.
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(eventFields(seg, row))) {
    if (INGEST_FIELDS.has(name)) continue;
    setPath(out, name.split("."), value);
  }
  return out;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = cur[k];
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      if (next !== undefined) {
        // A value and an object under one name: keep the value under the dotted name.
        cur[path.slice(i).join(".")] = value;
        return;
      }
      cur[k] = {};
    }
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}
