/**
 * The benchmark's questions as Quarry runs them, through the same public entry points the app uses
 * (EQL plans for filters and sequences, SPL for stats and timechart, the Sankey view). No Node APIs:
 * this module is also bundled into the Chromium Web Worker.
 */
import { Dataset, IngestJob, executePlan, fieldSankey, lowerEql, parseEql, runSpl, type Segment, type TableColumns } from "@quarry/engine";
import { countAnswer, groupedAnswer, answerOf, type Answer } from "./answer.ts";

/** Identifier of a query operation (shared with the peers' definitions). */
export type OpId = "eq" | "in" | "wildcard" | "statsHost" | "stats2" | "sankey" | "timechart" | "sequence";

/** Query text/description per operation, as shown in the report. */
export const QUARRY_QUERIES: Record<OpId, string> = {
  eq: 'EQL any where Image == "C:\\Windows\\System32\\cmd.exe"',
  in: "EQL any where dest_port in (22, 53, 3389)",
  wildcard: 'EQL any where CommandLine : "*powershell*"',
  statsHost: "SPL * | stats count by host",
  stats2: "SPL * | stats count by src_ip, dest_port",
  sankey: "fieldSankey ParentProcessId → ProcessId (40 flows)",
  timechart: "SPL * | timechart span=1m limit=0 count by host",
  sequence: "EQL sequence by process.pid with maxspan=5m [EventCode 1] [EventCode 3] [EventCode 5]",
};

export const EQL: Partial<Record<OpId, string>> = {
  eq: 'any where Image == "C:\\\\Windows\\\\System32\\\\cmd.exe"',
  in: "any where dest_port in (22, 53, 3389)",
  wildcard: 'any where CommandLine : "*powershell*"',
  sequence: "sequence by process.pid with maxspan=5m [any where EventCode == 1] [any where EventCode == 3] [any where EventCode == 5]",
};

/** Runs an EQL query as `runEql` would, but counts the matches instead of shaping `_source` documents. */
function eqlCount(ds: Dataset, query: string): number {
  const plan = lowerEql(parseEql(query), { dialect: "elastic", eventCategoryField: "event.category" });
  const s = executePlan(ds, plan, {
    eval: { integerDivision: true, pythonTruth: false, fieldType: (name: string) => ds.fieldTypes.get(name) },
    order: { timestampField: "@timestamp", tiebreakerField: null },
    maxSamplesPerKey: 1,
    timeUnitsPerMs: 1,
    nullJoinKeys: false,
    size: Number.MAX_SAFE_INTEGER,
  });
  switch (s.kind) {
    case "events":
      return s.events.length;
    case "sequences":
      return s.sequences.length;
    case "table":
      return s.rows.length;
  }
}

const LATIN1 = /^[\x00-\xff]*$/;

export const SPL_OPTS = { tz: "UTC", nowMs: Date.UTC(2017, 8, 1) };

/** What one operation returns, before it is made canonical (that part is not timed). */
export type QuarryRaw =
  | { kind: "count"; n: number }
  | { kind: "rows"; fields: string[]; rows: Array<Record<string, unknown>> }
  /** A columnar SPL result (the timechart), as the worker keeps it and DuckDB returns Arrow: rows are not built. */
  | { kind: "columns"; fields: string[]; columns: TableColumns }
  | { kind: "sankey"; events: number; flows: number };

/** Runs one operation on Quarry: the timed part. */
export function quarryRun(ds: Dataset, op: OpId): QuarryRaw {
  switch (op) {
    case "eq":
    case "in":
    case "wildcard":
    case "sequence":
      return { kind: "count", n: eqlCount(ds, EQL[op]!) };
    case "statsHost":
    case "stats2":
    case "timechart": {
      const r = runSpl(ds, SPL[op], SPL_OPTS);
      return r.columns ? { kind: "columns", fields: r.fields, columns: r.columns } : { kind: "rows", fields: r.fields, rows: r.results };
    }
    case "sankey": {
      const s = fieldSankey(ds, {}, "ParentProcessId", "ProcessId", { maxFlows: 40 });
      return { kind: "sankey", events: s.events, flows: s.flows };
    }
  }
}

export const SPL = { statsHost: "* | stats count by host", stats2: "* | stats count by src_ip, dest_port", timechart: "* | timechart span=1m limit=0 count by host" } as const;

/** The canonical answer of a run (outside the timing). */
export function quarryAnswer(op: OpId, raw: QuarryRaw): Answer {
  switch (raw.kind) {
    case "count":
      return countAnswer(raw.n);
    case "sankey":
      return answerOf([[raw.events, raw.flows]], `${raw.flows} flows, ${raw.events} events`);
    case "columns": {
      const { length, data } = raw.columns;
      const cells: unknown[][] = [];
      if (op === "timechart") {
        // Non-zero cells only, as for rows below.
        for (let i = 0; i < length; i++) for (let j = 1; j < raw.fields.length; j++) if (Number(data[j]![i]) > 0) cells.push([data[0]![i], raw.fields[j], data[j]![i]]);
      } else for (let i = 0; i < length; i++) cells.push(raw.fields.map((_, j) => data[j]![i]));
      return groupedAnswer(cells);
    }
    case "rows": {
      if (op !== "timechart") return groupedAnswer(raw.rows.map((row) => [...raw.fields.map((f) => row[f])]));
      // Non-zero cells only: SQL's GROUP BY has no rows for empty buckets.
      const cells: unknown[][] = [];
      const series = raw.fields.filter((f) => f !== "_time");
      for (const row of raw.rows) for (const h of series) if (Number(row[h]) > 0) cells.push([row._time, h, row[h]]);
      return groupedAnswer(cells);
    }
  }
}

/** Runs one operation and returns its canonical answer. */
export function quarryOp(ds: Dataset, op: OpId): Answer {
  return quarryAnswer(op, quarryRun(ds, op));
}

/** Ingests whole files already in memory into a fresh dataset (1 MiB writes, as the app streams). */
export function quarryIngest(files: Array<{ name: string; bytes: Uint8Array }>): { ds: Dataset; events: number } {
  const ds = new Dataset();
  let events = 0;
  for (const f of files) {
    const job = new IngestJob(ds, f.name);
    for (let o = 0; o < f.bytes.length; o += 1 << 20) job.write(f.bytes.subarray(o, o + (1 << 20)));
    const s = job.end();
    if (s.problemTotal > 0) throw new Error(`ingest of ${f.name}: ${s.problemTotal} problems ${JSON.stringify(s.problemCounts)}`);
    events += s.events;
  }
  return { ds, events };
}

/**
 * Bytes the store holds per event besides `_raw`: typed arrays of every column, time and seq,
 * plus each dictionary's strings as V8 holds them (1 byte per character for Latin-1 text, else 2, a
 * 16-byte header, about 24 bytes of its hash-index entry), and slice columns' positions into
 * `_raw`. Aliases cost nothing per event.
 */
export function storeBytesPerEvent(ds: Dataset): number {
  let bytes = 0;
  let events = 0;
  const dicts = new Set<{ values: string[] }>();
  for (const seg of ds.segments as Segment[]) {
    events += seg.rowCount;
    bytes += seg.time.byteLength + seg.seq.byteLength;
    for (const col of seg.columns.values()) {
      if (col.kind === "num") bytes += col.values.byteLength;
      else if (col.kind === "str") {
        bytes += col.ids.byteLength;
        dicts.add(col.dict);
      } else if (col.kind === "slice") {
        // Positions into `_raw`, plus the few texts that are not verbatim there (string + map entry).
        bytes += col.start.byteLength + col.length.byteLength;
        for (const v of col.outside.values()) bytes += 40 + 24 + (LATIN1.test(v) ? v.length : 2 * v.length);
        dicts.add(col.dict);
      } else {
        bytes += col.ids.byteLength + col.offsets.byteLength;
        dicts.add(col.dict);
      }
    }
  }
  for (const d of dicts) for (const v of d.values) bytes += 40 + (LATIN1.test(v) ? v.length : 2 * v.length);
  return events ? bytes / events : 0;
}
