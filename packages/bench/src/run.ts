/**
 * One benchmark run: prepare the data, time Quarry's ingest and queries, time every peer on the
 * same questions, and cross-check every answer against Quarry's (a mismatch throws).
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Dataset } from "@quarry/engine";
import { answerDigest, diffAnswers, groupedAnswer, answerOf, countAnswer, type Answer } from "./answer.ts";
import { prepareData, type BenchData } from "./data.ts";
import { arquero, duckdbNative, duckdbWasm, type Peer } from "./peers.ts";
import { QUARRY_QUERIES, quarryAnswer, quarryIngest, quarryRun, storeBytesPerEvent, type OpId } from "./quarry-ops.ts";
import { SQL } from "./peer-ops.ts";
import { measure, summarize, type Timing } from "./timing.ts";

/** Query operations in report order. */
export const OPS: OpId[] = ["eq", "in", "wildcard", "statsHost", "stats2", "sankey", "timechart", "sequence"];

export interface RunOptions {
  events: number;
  /** Timed runs per query (after one warm-up). */
  reps: number;
  /** Timed runs of the whole-dataset ingest (it is the slow part at 1M and 5M). */
  ingestReps: number;
  dataRoot: string;
  /** Copies of the 15 EVTX sample files ingested for the EVTX row (default 20, ~62 MB). */
  evtxCopies?: number;
  peers: Array<"duckdb-wasm" | "duckdb-native" | "arquero">;
  log: (s: string) => void;
}

export interface IngestResult {
  engine: string;
  input: string;
  bytes: number;
  events: number;
  timing: Timing;
  mbPerSec: number;
  eventsPerSec: number;
}

export interface OpResult {
  id: OpId;
  quarryQuery: string;
  sql: string;
  answer: string;
  quarry: Timing;
  peers: Record<string, Timing>;
}

export interface RunResult {
  events: number;
  rawBytes: number;
  ingest: IngestResult[];
  memory: { storeBytesPerEvent: number; heapBytesPerEvent: number; rawCharsPerEvent: number };
  ops: OpResult[];
  /** Digest of Quarry's answer per operation, for the Chromium run's cross-check. */
  digests: Partial<Record<OpId, string>>;
  data: BenchData;
}

const MB = 1e6;

/** The real EVTX files of ../shared (830 events, 3.1 MB), `copies` times over: the generator writes no EVTX. */
function evtxSamples(copies: number): Array<{ name: string; bytes: Uint8Array }> {
  const dir = fileURLToPath(new URL("../../../../shared/datasets/evtx-attack-samples/", import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith(".evtx")).sort();
  const out: Array<{ name: string; bytes: Uint8Array }> = [];
  for (let k = 0; k < copies; k++) for (const f of files) out.push({ name: `${k}-${f}`, bytes: new Uint8Array(readFileSync(join(dir, f))) });
  return out;
}

function ingestResult(engine: string, input: string, bytes: number, events: number, timing: Timing): IngestResult {
  return { engine, input, bytes, events, timing, mbPerSec: bytes / MB / (timing.median / 1000), eventsPerSec: events / (timing.median / 1000) };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function heapNow(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs the whole benchmark (Node side) and returns its measurements; throws when answers disagree. */
export async function runBench(o: RunOptions): Promise<RunResult> {
  const data = prepareData(o.dataRoot, o.events, o.log);
  const raw = data.rawFiles.map((f) => ({ name: basename(f.path), bytes: new Uint8Array(readFileSync(f.path)), ndjson: f.ndjson, events: f.events }));
  const rawBytes = raw.reduce((n, f) => n + f.bytes.length, 0);
  const ingest: IngestResult[] = [];

  // NDJSON alone (Stream and Suricata files): the ingest target is stated for line-delimited JSON.
  const nd = raw.filter((f) => f.ndjson);
  o.log(`quarry: ingest NDJSON (${nd.length} files, ${(nd.reduce((n, f) => n + f.bytes.length, 0) / MB).toFixed(0)} MB) …`);
  const ndRun = await measure(() => quarryIngest(nd).events, o.reps, 1);
  ingest.push(ingestResult("quarry", "NDJSON", nd.reduce((n, f) => n + f.bytes.length, 0), ndRun.result, ndRun.timing));

  // Windows event XML (Sysmon and Security), and binary EVTX: their target is ≥30 MB/s.
  const xml = raw.filter((f) => f.name.startsWith("xmlwineventlog"));
  const xmlBytes = xml.reduce((n, f) => n + f.bytes.length, 0);
  o.log(`quarry: ingest XmlWinEventLog (${xml.length} files, ${(xmlBytes / MB).toFixed(0)} MB) …`);
  const xmlRun = await measure(() => quarryIngest(xml).events, o.ingestReps, 1);
  ingest.push(ingestResult("quarry", "XmlWinEventLog", xmlBytes, xmlRun.result, xmlRun.timing));
  const evtx = evtxSamples(o.evtxCopies ?? 20);
  o.log(`quarry: ingest EVTX (${evtx.length} files, ${(evtx.reduce((n, f) => n + f.bytes.length, 0) / MB).toFixed(0)} MB) …`);
  const evtxRun = await measure(() => quarryIngest(evtx).events, o.ingestReps, 1);
  ingest.push(ingestResult("quarry", "EVTX (sample files, repeated)", evtx.reduce((n, f) => n + f.bytes.length, 0), evtxRun.result, evtxRun.timing));

  o.log(`quarry: ingest all raw files (${(rawBytes / MB).toFixed(0)} MB) …`);
  // The NDJSON runs warmed the JIT; each timed run drops the previous dataset first, and the heap
  // growth of the last run (after full GCs) is the memory figure.
  let ds: Dataset | null = null;
  const times: number[] = [];
  let before = 0;
  let after = 0;
  let fresh: { ds: Dataset; events: number } | null = null;
  for (let i = 0; i < o.ingestReps; i++) {
    ds = null;
    fresh = null;
    before = heapNow();
    const t0 = performance.now();
    fresh = quarryIngest(raw);
    times.push(performance.now() - t0);
    after = heapNow();
  }
  if (!fresh) throw new Error("ingestReps must be at least 1");
  const allTiming = summarize(times);
  ds = fresh.ds;
  const manifestEvents = raw.reduce((n, f) => n + f.events, 0);
  if (fresh.events !== manifestEvents) throw new Error(`quarry ingested ${fresh.events} events, the generator's manifest says ${manifestEvents}`);
  ingest.push(ingestResult("quarry", "raw (all formats)", rawBytes, fresh.events, allTiming));
  let rawChars = 0;
  for (const seg of ds.segments) for (const r of seg.raw) rawChars += r.length;
  const memory = {
    storeBytesPerEvent: storeBytesPerEvent(ds),
    // Heap growth minus the raw text (1 byte per character: the generator writes ASCII).
    heapBytesPerEvent: (after - before - rawChars) / fresh.events,
    rawCharsPerEvent: rawChars / fresh.events,
  };

  const answers = new Map<OpId, Answer>();
  const ops: OpResult[] = [];
  for (const op of OPS) {
    o.log(`quarry: ${op} …`);
    const dsNow = ds;
    const r = await measure(() => quarryRun(dsNow, op), o.reps, 1);
    const answer = quarryAnswer(op, r.result);
    answers.set(op, answer);
    ops.push({ id: op, quarryQuery: QUARRY_QUERIES[op], sql: SQL[op].trim().replace(/\s+/g, " "), answer: answer.summary, quarry: r.timing, peers: {} });
  }
  ds = null;
  gc();

  for (const name of o.peers) {
    o.log(`${name}: starting …`);
    const peer: Peer = name === "duckdb-wasm" ? await duckdbWasm(data.csvPath) : name === "duckdb-native" ? await duckdbNative(data.csvPath) : await arquero(data.arrowPath);
    try {
      const ing = await measure(() => peer.ingest(), Math.max(1, Math.min(o.ingestReps, 3)), 1);
      ingest.push(ingestResult(peer.name, peer.input, ing.result, fresh.events, ing.timing));
      for (const res of ops) {
        o.log(`${name}: ${res.id} …`);
        const r = await measure(() => peer.query(res.id), o.reps, 1);
        const got = peerAnswer(res.id, r.result);
        const want = answers.get(res.id)!;
        const diff = diffAnswers(want, got);
        if (diff) throw new Error(`CROSS-CHECK FAILED: ${res.id}: quarry and ${peer.name} disagree: ${diff}`);
        res.peers[peer.name] = r.timing;
      }
    } finally {
      await peer.close();
      gc();
    }
  }
  const digests: Partial<Record<OpId, string>> = {};
  for (const [op, a] of answers) digests[op] = answerDigest(a);
  return { events: fresh.events, rawBytes, ingest, memory, ops, digests, data };
}

/** A peer's rows as the canonical answer of an operation (counts come back as bigint from DuckDB). */
export function peerAnswer(op: OpId, rows: unknown[][]): Answer {
  switch (op) {
    case "eq":
    case "in":
    case "wildcard":
    case "sequence":
      return countAnswer(rows[0]![0] as number | bigint);
    case "sankey": {
      const [events, flows] = rows[0]!;
      return answerOf([[events, flows]]);
    }
    case "statsHost":
    case "stats2":
    case "timechart":
      return groupedAnswer(rows);
  }
}
