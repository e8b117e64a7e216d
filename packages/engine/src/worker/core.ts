import { deserializeDataset, serializeDataset } from "../store/serialize.ts";
import { Dataset, columnOf, eventFields, valueAt } from "../store/dataset.ts";
import { IngestJob, type IngestSummary } from "../ingest/job.ts";
import { fieldStats, type FieldStat, type SegmentRows } from "../exec/field-stats.ts";
import { histogram, type Histogram, type HistogramRequest } from "../exec/histogram.ts";
import type { Segment } from "../store/types.ts";
import type { CancelToken } from "../exec/cancel.ts";
import type { DatasetStatus, EventDetail, EventPage, EventRow, LoadedFile, QueryInfo, QueryRequest, SequencePage, TablePage, ViewRef } from "./protocol.ts";
import { runQuery, UI_SIZE, type QueryRun } from "./query.ts";
import { exportEvents, exportTable, type ExportText } from "./export.ts";
import { rowsOf } from "../exec/spl/columns.ts";

/** Characters of `_raw` sent per events-table row; the full text comes with `event`. */
const RAW_PREVIEW = 2000;
/** Largest page the events table may ask for. */
const MAX_PAGE = 5000;
/** Query results kept at once; older handles are dropped (the app re-runs on demand). */
const MAX_HANDLES = 16;

/** Events in an order: event i is row `row[i]` of segment `seg[i]`. */
export interface EventRefs {
  seg: ArrayLike<number>;
  row: ArrayLike<number>;
  length: number;
}

/** Every event of the dataset in (time, seq) order, as parallel segment / row arrays. */
interface MergedOrder extends EventRefs {
  segments: number;
  seg: Uint32Array;
  row: Uint32Array;
  /** seq → position in the order + 1 (0 = unknown seq). */
  bySeq: Uint32Array;
}

/**
 * The engine as the worker sees it: one dataset per tab and the synchronous operations the
 * protocol exposes. Nothing here knows about messages, so the CLI and tests call it directly.
 */
export class EngineCore {
  dataset = new Dataset();
  private files: LoadedFile[] = [];
  private order: MergedOrder | null = null;
  private readonly results = new Map<number, { run: QueryRun; events: EventRefs }>();
  private nextHandle = 1;

  /** Starts loading a file; feed it bytes, then pass it to `finishIngest`. */
  beginIngest(name: string): IngestJob {
    return new IngestJob(this.dataset, name);
  }

  /** Ends a job: its segments join the dataset and the file is listed. */
  finishIngest(job: IngestJob, fingerprint = ""): IngestSummary {
    const before = this.dataset.segments.length;
    const summary = job.end();
    const segments = Array.from({ length: this.dataset.segments.length - before }, (_, i) => before + i);
    this.files.push({ name: summary.file, fingerprint, format: summary.format, bytes: summary.bytes, events: summary.events, problems: summary.problemTotal, segments });
    this.order = null;
    return summary;
  }

  /** What is loaded now. */
  status(): DatasetStatus {
    const sourcetypes: Record<string, number> = {};
    let earliest = Infinity;
    let latest = -Infinity;
    for (const s of this.dataset.segments) {
      sourcetypes[s.sourcetype] = (sourcetypes[s.sourcetype] ?? 0) + s.rowCount;
      for (let i = 0; i < s.rowCount; i++) {
        // Rows are sorted with untimed (NaN) first, so the first timed row is the earliest.
        if (!Number.isNaN(s.time[i]!)) {
          earliest = Math.min(earliest, s.time[i]!);
          break;
        }
      }
      if (s.rowCount > 0 && !Number.isNaN(s.time[s.rowCount - 1]!)) latest = Math.max(latest, s.time[s.rowCount - 1]!);
    }
    return {
      events: this.dataset.rowCount,
      sourcetypes,
      files: this.files.slice(),
      earliest: Number.isFinite(earliest) ? earliest : null,
      latest: Number.isFinite(latest) ? latest : null,
      fields: this.dataset.fieldNames(),
    };
  }

  /** The dataset and its file list as bytes, for storage. */
  snapshot(): { data: Uint8Array; files: LoadedFile[] } {
    return { data: serializeDataset(this.dataset), files: this.files.slice() };
  }

  /** Replaces everything with a snapshot. */
  load(data: Uint8Array, files: LoadedFile[]): DatasetStatus {
    this.dataset = deserializeDataset(data);
    this.files = files.slice();
    this.order = null;
    this.results.clear();
    return this.status();
  }

  /**
   * Forgets one loaded file: its segments leave the dataset and the others are renumbered.
   * Dictionaries are shared, so the rest keeps its ids; every query result is dropped.
   */
  removeFile(index: number): DatasetStatus {
    const file = this.files[index];
    if (!file) throw new Error(`no loaded file number ${index + 1}`);
    if (!file.segments) throw new Error(`${file.name} was saved by an older version: forget all data and load the files again`);
    const drop = new Set(file.segments);
    const next = new Dataset();
    for (const [k, v] of this.dataset.dicts) next.dicts.set(k, v);
    for (const [k, v] of this.dataset.fieldTypes) next.fieldTypes.set(k, v);
    next.nextSeq = this.dataset.nextSeq;
    const renumber = new Map<number, number>();
    for (const seg of this.dataset.segments) {
      if (drop.has(seg.id)) continue;
      renumber.set(seg.id, next.segments.length);
      next.segments.push({ ...seg, id: next.segments.length });
    }
    this.files = this.files.filter((_, i) => i !== index).map((f) => (f.segments ? { ...f, segments: f.segments.map((id) => renumber.get(id)!) } : f));
    this.dataset = next;
    this.order = null;
    this.results.clear();
    return this.status();
  }

  /** Forgets everything loaded. */
  reset(): DatasetStatus {
    this.dataset = new Dataset();
    this.files = [];
    this.order = null;
    this.results.clear();
    return this.status();
  }

  /** The events a view covers, in its order. */
  listOf(view: ViewRef | undefined): EventRefs {
    const v = view ?? { kind: "all" };
    switch (v.kind) {
      case "all": {
        const order = this.mergedOrder();
        if (v.earliest == null && v.latest == null) return order;
        return timeSlice(this.dataset.segments, order, v.earliest ?? null, v.latest ?? null);
      }
      case "result":
        return this.result(v.handle).events;
    }
  }

  /** Runs a query and keeps its result under a new handle. */
  query(req: QueryRequest, cancel: CancelToken = { cancelled: false }): QueryInfo {
    const run = runQuery(this.dataset, req, cancel);
    const handle = this.nextHandle++;
    const { stream } = run;
    let events: EventRefs = { seg: [], row: [], length: 0 };
    let total: number;
    let fields: string[] = [];
    switch (stream.kind) {
      case "events":
        events = stream.events;
        total = stream.events.length;
        break;
      case "sequences":
        events = sequenceEvents(stream.sequences);
        total = stream.sequences.length;
        break;
      case "table":
        total = stream.columns ? stream.columns.length : stream.rows.length;
        fields = stream.fields;
        break;
    }
    this.results.set(handle, { run, events });
    if (this.results.size > MAX_HANDLES) this.results.delete(this.results.keys().next().value!);
    return { handle, kind: stream.kind, total, fields, tookMs: Math.round(run.tookMs), capped: stream.kind !== "events" && total >= UI_SIZE };
  }

  /** A page of a sequences result: join keys and one row per stage (null for a missing-event slot). */
  sequences(handle: number, offset: number, limit: number): SequencePage {
    const { stream } = this.result(handle).run;
    if (stream.kind !== "sequences") throw new Error(`result ${handle} holds ${stream.kind}, not sequences`);
    const [start, end] = pageBounds(stream.sequences.length, offset, limit);
    const segs = this.dataset.segments;
    const sequences = stream.sequences.slice(start, end).map((h) => ({
      joinKeys: h.joinKeys,
      events: Array.from(h.seg, (sg, i) => (sg < 0 ? null : rowOf(segs[sg]!, h.row[i]!))),
    }));
    return { total: stream.sequences.length, offset: start, sequences };
  }

  /** A page of a table result. */
  table(handle: number, offset: number, limit: number): TablePage {
    const { stream } = this.result(handle).run;
    if (stream.kind !== "table") throw new Error(`result ${handle} holds ${stream.kind}, not a table`);
    if (stream.columns) {
      // Columns (a timechart): only the page's rows are built.
      const [start, end] = pageBounds(stream.columns.length, offset, limit);
      return { total: stream.columns.length, offset: start, fields: stream.fields, rows: rowsOf(stream.fields, stream.columns, start, end) };
    }
    const [start, end] = pageBounds(stream.rows.length, offset, limit);
    return { total: stream.rows.length, offset: start, fields: stream.fields, rows: stream.rows.slice(start, end) };
  }

  /** A view's events, or a table result, as CSV or NDJSON. */
  exportText(view: ViewRef | undefined, table: number | undefined, format: "csv" | "ndjson", timeZone = "UTC"): ExportText {
    if (table !== undefined) {
      const { stream } = this.result(table).run;
      if (stream.kind !== "table") throw new Error(`result ${table} holds ${stream.kind}, not a table`);
      return exportTable(stream.fields, stream.rows, format, timeZone);
    }
    return exportEvents(this.dataset.segments, this.listOf(view), format);
  }

  /** Forgets a result. */
  release(handle: number): boolean {
    return this.results.delete(handle);
  }

  private result(handle: number): { run: QueryRun; events: EventRefs } {
    const r = this.results.get(handle);
    if (!r) throw new Error(`unknown result handle ${handle}: run the query again`);
    return r;
  }

  /** The rows a view covers, grouped per segment (order within a segment is not kept). */
  rowsOf(view: ViewRef | undefined): SegmentRows[] {
    const v = view ?? { kind: "all" };
    if (v.kind === "all" && v.earliest == null && v.latest == null) return this.dataset.segments.map((segment) => ({ segment, rows: null }));
    return groupBySegment(this.dataset.segments, this.listOf(v));
  }

  /** A page of a view's events in its order. */
  events(view: ViewRef | undefined, offset: number, limit: number, columns: string[] = []): EventPage {
    const list = this.listOf(view);
    const total = list.length;
    const [start, end] = pageBounds(total, offset, limit);
    const rows: EventRow[] = [];
    const segs = this.dataset.segments;
    const cols = columns.slice(0, 50);
    for (let i = start; i < end; i++) {
      const seg = segs[list.seg[i]!]!;
      const row = rowOf(seg, list.row[i]!);
      if (cols.length) row.values = Object.fromEntries(cols.map((c) => [c, text(valueAt(columnOf(seg, c), list.row[i]!))]));
      rows.push(row);
    }
    return { total, offset: start, rows };
  }

  /** One event in full, by its ingest sequence number. */
  event(seq: number): EventDetail | null {
    const order = this.mergedOrder();
    const pos = Number.isInteger(seq) && seq >= 0 && seq < order.bySeq.length ? order.bySeq[seq]! : 0;
    if (pos === 0) return null;
    const seg = this.dataset.segments[order.seg[pos - 1]!]!;
    const row = order.row[pos - 1]!;
    const t = seg.time[row]!;
    return { seq, time: Number.isNaN(t) ? null : t, sourcetype: seg.sourcetype, fields: eventFields(seg, row), raw: seg.raw[row]! };
  }

  /** Field summaries of a view. */
  fieldStats(view: ViewRef | undefined, top = 10): FieldStat[] {
    return fieldStats(this.rowsOf(view), Math.min(Math.max(1, top), 100));
  }

  /** Time histogram of a view. */
  histogram(view: ViewRef | undefined, req: HistogramRequest): Histogram {
    return histogram(this.rowsOf(view), req);
  }

  /** Merges the sorted segments by (time, seq); cached until the dataset changes. */
  private mergedOrder(): MergedOrder {
    const segments = this.dataset.segments.length;
    if (this.order && this.order.segments === segments) return this.order;
    const parts = this.dataset.segments.map((segment) => ({ segment, rows: null }));
    this.order = mergeOrder(parts, this.dataset.nextSeq, segments);
    return this.order;
  }
}

/** [start, end) of a page, clamped to the result and to the largest page. */
function pageBounds(total: number, offset: number, limit: number): [number, number] {
  const start = Math.max(0, Math.min(Math.floor(offset) || 0, total));
  return [start, Math.min(total, start + Math.max(0, Math.min(Math.floor(limit) || 0, MAX_PAGE)))];
}

/** Every event of a set of sequences, in sequence then stage order (for field and time summaries). */
function sequenceEvents(hits: Array<{ seg: Int32Array; row: Int32Array }>): EventRefs {
  const seg: number[] = [];
  const row: number[] = [];
  for (const h of hits)
    for (let i = 0; i < h.seg.length; i++)
      if (h.seg[i]! >= 0) {
        seg.push(h.seg[i]!);
        row.push(h.row[i]!);
      }
  return { seg, row, length: seg.length };
}

function rowOf(seg: Segment, row: number): EventRow {
  const t = seg.time[row]!;
  const raw = seg.raw[row]!;
  return {
    seq: seg.seq[row]!,
    time: Number.isNaN(t) ? null : t,
    sourcetype: seg.sourcetype,
    host: text(valueAt(columnOf(seg, "host"), row)),
    source: text(valueAt(columnOf(seg, "source"), row)),
    raw: raw.length > RAW_PREVIEW ? raw.slice(0, RAW_PREVIEW) : raw,
  };
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return Array.isArray(v) ? v.join(", ") : String(v);
}

/** (time, seq) sort key with untimed events first, as segments store them. */
function timeKey(t: number): number {
  return Number.isNaN(t) ? -Infinity : t;
}

/** k-way merge of per-segment sorted rows; k (segments) is small, so a linear scan of heads is enough. */
function mergeOrder(parts: SegmentRows[], seqCount: number, segments: number): MergedOrder {
  let total = 0;
  for (const p of parts) total += p.rows ? p.rows.length : p.segment.rowCount;
  const seg = new Uint32Array(total);
  const row = new Uint32Array(total);
  const bySeq = new Uint32Array(seqCount);
  const heads = new Uint32Array(parts.length);
  const lens = parts.map((p) => (p.rows ? p.rows.length : p.segment.rowCount));
  for (let out = 0; out < total; out++) {
    let best = -1;
    let bestT = 0;
    let bestSeq = 0;
    for (let k = 0; k < parts.length; k++) {
      if (heads[k]! >= lens[k]!) continue;
      const p = parts[k]!;
      const r = p.rows ? p.rows[heads[k]!]! : heads[k]!;
      const t = timeKey(p.segment.time[r]!);
      const s = p.segment.seq[r]!;
      if (best < 0 || t < bestT || (t === bestT && s < bestSeq)) {
        best = k;
        bestT = t;
        bestSeq = s;
      }
    }
    const p = parts[best]!;
    const r = p.rows ? p.rows[heads[best]!]! : heads[best]!;
    heads[best]!++;
    seg[out] = p.segment.id;
    row[out] = r;
    bySeq[bestSeq] = out + 1;
  }
  return { segments, seg, row, bySeq, length: total };
}

/** The part of a (time, seq)-ordered list inside [earliest, latest), found by binary search. */
function timeSlice(segs: Segment[], order: MergedOrder, earliest: number | null, latest: number | null): EventRefs {
  const timeAt = (i: number) => timeKey(segs[order.seg[i]!]!.time[order.row[i]!]!);
  const lowerBound = (t: number) => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (timeAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Untimed events (sorted first) are outside any bounded range.
  const start = earliest === null ? lowerBound(-Number.MAX_VALUE) : lowerBound(earliest);
  const end = latest === null ? order.length : lowerBound(latest);
  const n = Math.max(0, end - start);
  return { seg: order.seg.subarray(start, start + n), row: order.row.subarray(start, start + n), length: n };
}

/** Splits an event list into per-segment row arrays (for whole-set summaries). */
function groupBySegment(segs: Segment[], list: EventRefs): SegmentRows[] {
  const counts = new Uint32Array(segs.length);
  for (let i = 0; i < list.length; i++) counts[list.seg[i]!]!++;
  const rows = segs.map((_, s) => new Uint32Array(counts[s]!));
  const fill = new Uint32Array(segs.length);
  for (let i = 0; i < list.length; i++) {
    const s = list.seg[i]!;
    rows[s]![fill[s]!++] = list.row[i]!;
  }
  return segs.map((segment, s) => ({ segment, rows: rows[s]! })).filter((p) => p.rows.length > 0);
}
