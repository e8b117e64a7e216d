import type { IngestProgress, IngestSummary } from "../ingest/job.ts";
import type { FieldStat } from "../exec/field-stats.ts";
import type { Histogram, HistogramRequest } from "../exec/histogram.ts";
import type { Scalar } from "../store/types.ts";
import type { Decoding } from "../decode/auto.ts";
import type { PivotSummary } from "../views/pivot.ts";
import type { ProcessTree } from "../views/process-tree.ts";
import type { SankeyResult } from "../views/sankey.ts";
import type { DecodeRequest, EnrichRequest, EnrichResult, LookupInfo, LookupsRequest, PivotRequest, ProcessTreeRequest, SankeyRequest } from "../views/service.ts";

/**
 * The engine worker protocol, declared once. Each method names its request (`req`), its result
 * (`res`) and what it streams while running (`progress`, `never` when it streams nothing). The
 * client proxy and the worker's dispatch table are both typed from this interface, so adding a
 * method here is the only list to edit besides its handler.
 */
export interface EngineApi {
  /** Loads one file into the tab's dataset; streams bytes read / events / problems. */
  ingest: { req: { name: string; source: IngestSource }; res: IngestResult; progress: IngestProgress };
  /** What is loaded: files, counts per sourcetype, time span, field names. */
  status: { req: Record<string, never>; res: DatasetStatus; progress: never };
  /** Forgets every loaded file. */
  reset: { req: Record<string, never>; res: DatasetStatus; progress: never };
  /** Forgets one loaded file (by its place in `status().files`). */
  removeFile: { req: { index: number }; res: DatasetStatus; progress: never };
  /** A page of the current result's events (all events when no query has run), in (time, seq) order. */
  events: { req: { view?: ViewRef; offset: number; limit: number; columns?: string[] }; res: EventPage; progress: never };
  /** One event in full: every field and the raw text. */
  event: { req: { seq: number }; res: EventDetail | null; progress: never };
  /** Coverage, top values and numeric summaries of every field of the current result. */
  fieldStats: { req: { view?: ViewRef; top?: number }; res: FieldStat[]; progress: never };
  /** Event counts over time, optionally split by a field. */
  histogram: { req: { view?: ViewRef } & HistogramRequest; res: Histogram; progress: never };
  /** Runs an EQL or SPL query; the result stays in the worker under a handle, pages travel. */
  query: { req: QueryRequest; res: QueryInfo; progress: never };
  /** A page of a sequences result. */
  sequences: { req: { handle: number; offset: number; limit: number }; res: SequencePage; progress: never };
  /** A page of a table result (stats, timechart, table…). */
  table: { req: { handle: number; offset: number; limit: number }; res: TablePage; progress: never };
  /** Forgets a result handle. */
  release: { req: { handle: number }; res: boolean; progress: never };
  /** Parses a query without running it: the positioned error, or null. */
  check: { req: { lang: "eql" | "spl"; text: string }; res: WireError | null; progress: never };
  /** Saves the dataset to the tab's storage (IndexedDB in the app); resolves to the bytes written. */
  persist: { req: Record<string, never>; res: { bytes: number }; progress: never };
  /** Replaces the dataset with the stored one; null when nothing is stored. */
  restore: { req: Record<string, never>; res: DatasetStatus | null; progress: never };
  /** The current result as CSV or NDJSON text (events of a view, or a table result). */
  export: { req: { view?: ViewRef; table?: number; format: "csv" | "ndjson"; timeZone?: string }; res: { text: string; rows: number; truncated: boolean }; progress: never };
  /** Completion suggestions at an offset. */
  complete: { req: { lang: "eql" | "spl"; text: string; offset: number }; res: CompletionResult; progress: never };
  /** Analyst views (views/service.ts): PPID→PID or two-field Sankey of a view or host. */
  sankey: { req: SankeyRequest; res: SankeyResult; progress: never };
  /** Process tree of a host and time range, or "show in tree" for one event (null when it names no process). */
  processTree: { req: ProcessTreeRequest; res: ProcessTree | null; progress: never };
  /** Entity summary (host, user, process, IP): activity, related entities, recent events, enrichment. */
  pivot: { req: PivotRequest; res: PivotSummary; progress: never };
  /** Decodings of a text (base64, UTF-16LE, PowerShell -enc, URL, hex, gzip+base64). */
  decode: { req: DecodeRequest; res: Decoding[]; progress: never };
  /** Adds/removes CSV lookup tables (assets, identities) and lists them. */
  lookups: { req: LookupsRequest; res: LookupInfo[]; progress: never };
  /** Asset/identity rows for hosts, IPs and users. */
  enrich: { req: EnrichRequest; res: EnrichResult; progress: never };
}

/** One suggestion; the editor adapter maps `kind` to its icons. */
export interface Completion {
  label: string;
  kind: "field" | "function" | "keyword" | "command" | "value";
  detail?: string;
}

/** Suggestions and the text span they replace (offsets). */
export interface CompletionResult {
  span: { start: number; end: number };
  items: Completion[];
}

export interface QueryRequest {
  lang: "eql" | "spl";
  text: string;
  /** UI time range in ms (earliest inclusive, latest exclusive), intersected with the query's own. */
  earliest?: number | null;
  latest?: number | null;
  /** Most sequences / table rows kept (capped by the worker). */
  size?: number;
  /** IANA zone for SPL absolute times. */
  timeZone?: string;
}

/** What a run produced; the rows themselves are fetched by page. */
export interface QueryInfo {
  handle: number;
  kind: "events" | "sequences" | "table";
  /** Events, sequences or table rows. */
  total: number;
  /** Table columns in display order (empty for events and sequences). */
  fields: string[];
  tookMs: number;
  /** The result hit the worker's cap (sequences, tables): there may be more. */
  capped: boolean;
}

export interface SequencePage {
  total: number;
  offset: number;
  sequences: Array<{ joinKeys: Scalar[]; events: Array<EventRow | null> }>;
}

export interface TablePage {
  total: number;
  offset: number;
  fields: string[];
  rows: Array<Record<string, Scalar | Scalar[]>>;
}

/** Every method name of the protocol. */
export type EngineMethod = keyof EngineApi;
export type RequestOf<M extends EngineMethod> = EngineApi[M]["req"];
export type ResultOf<M extends EngineMethod> = EngineApi[M]["res"];
export type ProgressOf<M extends EngineMethod> = EngineApi[M]["progress"];

/** Where the bytes of a file come from; all are read inside the worker, never on the main thread. */
export type IngestSource =
  | { kind: "blob"; blob: Blob }
  /** Fetched by the worker (same origin: the sample dataset). */
  | { kind: "url"; url: string }
  | { kind: "bytes"; bytes: Uint8Array };

/**
 * Names which rows a call works on. Absent = every loaded event. `all` may be narrowed to a time
 * range (ms, earliest inclusive, latest exclusive); `result` is the events of a query run.
 */
export type ViewRef = { kind: "all"; earliest?: number | null; latest?: number | null } | { kind: "result"; handle: number };

/** An ingest summary plus the file's content fingerprint. */
export type IngestResult = IngestSummary & { fingerprint: string };

export interface LoadedFile {
  name: string;
  /** 64-bit FNV-1a of the bytes, hex: names the content a shared investigation needs. */
  fingerprint: string;
  format: string | null;
  bytes: number;
  events: number;
  problems: number;
  /** The dataset segments this file's events are in. */
  segments?: number[];
}

export interface DatasetStatus {
  events: number;
  sourcetypes: Record<string, number>;
  files: LoadedFile[];
  /** Earliest and latest event time in ms (null when nothing has a time). */
  earliest: number | null;
  latest: number | null;
  fields: string[];
}

/** One row of the events table: enough to draw the row, not the whole event. */
export interface EventRow {
  seq: number;
  time: number | null;
  sourcetype: string;
  host: string | null;
  source: string | null;
  /** The raw text, cut to a display length. */
  raw: string;
  /** Values of the requested extra columns (text; multi-values joined), null when absent. */
  values?: Record<string, string | null>;
}

export interface EventPage {
  total: number;
  offset: number;
  rows: EventRow[];
}

export interface EventDetail {
  seq: number;
  time: number | null;
  sourcetype: string;
  fields: Record<string, Scalar | Scalar[]>;
  raw: string;
}

/** An error as it crosses the worker boundary; the client rebuilds an Error from it. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** QueryError extras, so the editor can place markers. */
  span?: { start: number; end: number };
  expected?: string[];
}

/** Messages from the app to the worker. */
export type ToWorker =
  | { id: number; kind: "call"; method: EngineMethod; params: unknown }
  | { id: number; kind: "cancel" }
  /**
   * Shared cancel flags (one Int32 per call slot, `id % length`): a synchronous run reads its
   * flag between batches, so a query can be stopped while it runs, not only between calls.
   */
  | { id: 0; kind: "init"; cancelFlags: SharedArrayBuffer };

/** Messages from the worker to the app. */
export type FromWorker =
  | { id: number; kind: "result"; result: unknown }
  | { id: number; kind: "error"; error: WireError }
  | { id: number; kind: "progress"; progress: unknown };

/** Thrown (and rebuilt on the client) when a call was cancelled. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
  constructor(message = "cancelled") {
    super(message);
  }
}

/** Turns any thrown value into its wire form. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const out: WireError = { name: e.name, message: e.message };
    if (e.stack) out.stack = e.stack;
    const extra = e as { span?: { start: number; end: number }; expected?: string[] };
    if (extra.span && typeof extra.span.start === "number") out.span = { start: extra.span.start, end: extra.span.end };
    if (Array.isArray(extra.expected)) out.expected = extra.expected.slice(0, 50);
    return out;
  }
  return { name: "Error", message: String(e) };
}

/** An Error rebuilt from its wire form, keeping name, stack and query span. */
export class EngineError extends Error {
  readonly span?: { start: number; end: number };
  readonly expected?: string[];
  constructor(w: WireError) {
    super(w.message);
    this.name = w.name;
    if (w.stack) this.stack = w.stack;
    if (w.span) this.span = w.span;
    if (w.expected) this.expected = w.expected;
  }
}
