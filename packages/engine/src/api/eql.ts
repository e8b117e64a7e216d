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
import type { Expr, QueryPlan } from "../lang/plan.ts";
import { walkPlanExprs } from "../lang/plan-walk.ts";
import { QueryError, type Span } from "../lang/errors.ts";
import type { CancelToken } from "../exec/cancel.ts";
import { executePlan, type ExecContext } from "../exec/run.ts";
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
  /** The index name of a segment's events (the CLI passes each file's base name); default: the event's `_index`, `index`, or its source's base name. */
  indexName?: (segmentId: number) => string | undefined;
  /** Refuse a query that names a field no event has, as Elasticsearch does ("Unknown column"); default: run it (the field is null). */
  strictFields?: boolean;
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
  return runEqlInternal(ds, query, opts, true).response;
}

/** A field the query names that no loaded event (nor a mapping) has. */
export interface UnknownField {
  name: string;
  span: Span | null;
}

/** `runEql` plus what the response body cannot carry: the uncapped match count and unknown fields. */
export interface EqlDetailedResult {
  response: EqlResponse;
  /** Events or sequences matched before the `size` cap (the response lists at most `size`). */
  matched: number;
  /** Non-optional fields the query names that the dataset does not have (Elasticsearch would refuse the query). */
  unknownFields: UnknownField[];
}

/** Runs an EQL query and also reports the uncapped count and unknown fields (for the UI). */
export function runEqlDetailed(ds: Dataset, query: string, opts: EqlOptions = {}): EqlDetailedResult {
  return runEqlInternal(ds, query, opts, false);
}

/** `earlyStop`: let executors stop once `size` results are certain (the uncapped count is then not known). */
function runEqlInternal(ds: Dataset, query: string, opts: EqlOptions, earlyStop: boolean): EqlDetailedResult {
  const started = performance.now();
  const plan = planEql(query, opts);
  const unknownFields = checkedUnknownFields(ds, plan, query, opts);
  const { response, matched } = runPlan(ds, plan, opts, started, earlyStop);
  return { response, matched, unknownFields };
}

/** Parses and lowers an EQL query with the request's dialect, case sensitivity and category field. */
export function planEql(query: string, opts: EqlOptions = {}): QueryPlan {
  return lowerEql(parseEql(query), {
    dialect: opts.dialect ?? "elastic",
    ...(opts.caseSensitive !== undefined ? { caseSensitive: opts.caseSensitive } : {}),
    eventCategoryField: opts.eventCategoryField ?? "event.category",
  });
}

/** `eqlUnknownFields`, refused as Elasticsearch refuses them ("Unknown column") when the request is strict. */
export function checkedUnknownFields(ds: Dataset, plan: QueryPlan, query: string, opts: EqlOptions): UnknownField[] {
  const unknownFields = eqlUnknownFields(ds, plan);
  if (opts.strictFields && unknownFields.length > 0) {
    const f = unknownFields[0]!;
    throw new QueryError(`Unknown column [${f.name}]`, f.span ?? { start: 0, end: query.length }, []);
  }
  return unknownFields;
}

/** How many results a response lists at most (the request's `size`, 10 by default). */
export function eqlResponseSize(opts: EqlOptions): number {
  return Math.max(0, Math.floor(opts.size ?? 10));
}

/** Runs an already lowered EQL plan and shapes the response. */
export function runEqlPlan(ds: Dataset, plan: QueryPlan, opts: EqlOptions = {}, started = performance.now()): EqlResponse {
  return runPlan(ds, plan, opts, started, true).response;
}

/** Fields of a plan (not optional `?x`, not lambda variables) that no segment, alias or mapping knows. */
export function eqlUnknownFields(ds: Dataset, plan: QueryPlan): UnknownField[] {
  const known = new Set(ds.fieldNames());
  for (const k of ds.fieldTypes.keys()) known.add(k);
  const out: UnknownField[] = [];
  const seen = new Set<string>();
  const isKnown = (name: string): boolean => known.has(name) || [...known].some((k) => k.startsWith(name + "."));
  walkPlanFields(plan, (f) => {
    if (f.optional || seen.has(f.name) || f.name === "_raw") return;
    seen.add(f.name);
    if (!isKnown(f.name)) out.push({ name: f.name, span: f.span ?? null });
  });
  return out;
}

function runPlan(ds: Dataset, plan: QueryPlan, opts: EqlOptions, started: number, earlyStop: boolean): { response: EqlResponse; matched: number } {
  const size = eqlResponseSize(opts);
  const ctx = eqlExecContext(ds, { ...opts, size });
  if (!earlyStop) delete ctx.size;
  const stream = executePlan(ds, plan, ctx);
  const hits = shapeEqlHits(stream, size, eqlCapsFromEnd(plan), (segIndex, row) => eventHit(ds, segIndex, row, opts.indexName));
  const matched = stream.kind === "events" ? stream.events.length : stream.kind === "sequences" ? stream.sequences.length : stream.rows.length;
  return { response: { is_partial: false, is_running: false, took: Math.round(performance.now() - started), timed_out: false, hits }, matched };
}

/**
 * The execution settings of an EQL request (`_eql/search` parameters → executor context): order by
 * the timestamp field then the tiebreaker, integer division, declared field types, samples per key,
 * maxspan units; the endgame dialect adds Python truthiness and case-folded sorting.
 */
export function eqlExecContext(ds: Dataset, opts: EqlOptions = {}): ExecContext {
  const timestampField = opts.timestampField ?? "@timestamp";
  const endgame = opts.dialect === "endgame";
  return {
    ...(opts.cancel ? { cancel: opts.cancel } : {}),
    eval: { integerDivision: true, pythonTruth: endgame, fieldType: (name) => ds.fieldTypes.get(name) },
    sortCaseInsensitive: endgame && opts.caseSensitive !== true,
    order: { timestampField, tiebreakerField: opts.tiebreakerField ?? null },
    maxSamplesPerKey: opts.maxSamplesPerKey ?? 1,
    // Elasticsearch reads a numeric timestamp as epoch milliseconds whatever it holds; Python EQL
    // (the endgame dialect) knows FILETIME ticks, so maxspan is real time there.
    timeUnitsPerMs: opts.timeUnitsPerMs ?? (endgame ? detectTimeUnits(ds, timestampField) : 1),
    nullJoinKeys: false,
    ...(opts.size !== undefined ? { size: opts.size } : {}),
  };
}

/** Whether the last head/tail pipe is a tail: the size cap then keeps the last results. */
export function eqlCapsFromEnd(plan: QueryPlan): boolean {
  for (let i = plan.pipes.length - 1; i >= 0; i--) {
    const k = plan.pipes[i]!.kind;
    if (k === "head" || k === "tail") return k === "tail";
  }
  return false;
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

/**
 * The response hits of an executed plan: the first `size` results (the last after a tail), each
 * event in the form `hit` gives it (a remote run builds hits from events fetched afterwards).
 */
export function shapeEqlHits(stream: Stream, size: number, fromEnd: boolean, hit: (segIndex: number, row: number) => EqlHit): EqlResponse["hits"] {
  switch (stream.kind) {
    case "events": {
      const n = stream.events.length;
      const start = fromEnd ? Math.max(0, n - size) : 0;
      const end = fromEnd ? n : Math.min(n, size);
      const events: EqlHit[] = [];
      for (let i = start; i < end; i++) events.push(hit(stream.events.seg[i]!, stream.events.row[i]!));
      return { total: { value: events.length, relation: "eq" }, events };
    }
    case "sequences": {
      const all = stream.sequences;
      const picked = fromEnd ? all.slice(Math.max(0, all.length - size)) : all.slice(0, size);
      const sequences = picked.map((s) => sequenceOut(s, hit));
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

function sequenceOut(s: SequenceHit, hit: (segIndex: number, row: number) => EqlHit): EqlSequence {
  const events: EqlHit[] = [];
  for (let i = 0; i < s.seg.length; i++) events.push(s.seg[i]! < 0 ? { missing: true } : hit(s.seg[i]!, s.row[i]!));
  return { join_keys: s.joinKeys, events };
}

/** The response form of one stored event. */
export function eventHit(ds: Dataset, segIndex: number, row: number, indexName?: (segmentId: number) => string | undefined): EqlHit {
  const seg = ds.segments[segIndex]!;
  return { _index: text(seg, "_index", row) ?? indexName?.(seg.id) ?? indexOf(seg, row), _id: idOf(seg, row), _source: sourceOf(seg, row) };
}

function text(seg: Segment, field: string, row: number): string | null {
  const col = columnOf(seg, field);
  if (!col || col.kind !== "str") return null;
  const id = col.ids[row]!;
  return id === 0 ? null : col.dict.values[id]!;
}

/** `_index`: the document's own (from an Elasticsearch `_bulk` action), else the event's `index` (Splunk-style data), else the file's base name. */
function indexOf(seg: Segment, row: number): string {
  const explicit = text(seg, "_index", row) ?? text(seg, "index", row);
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

type FieldExpr = Extract<Expr, { kind: "field" }>;

/** Calls `fn` for every field node of a plan (lambda variables and `events[N]` references are not fields). */
function walkPlanFields(plan: QueryPlan, fn: (f: FieldExpr) => void): void {
  walkPlanExprs(plan, (e) => {
    if (e.kind === "field" && e.event === undefined) fn(e);
  });
}
