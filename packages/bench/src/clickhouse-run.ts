/**
 * The ClickHouse benchmark: the same generated BOTSv2-style events loaded into a private
 * clickhouse-server with `loadToClickHouse` (load throughput), then the stats / timechart /
 * 3-stage sequence questions timed there at scale (default 10M events) beside the local engine
 * at its own size (default 1M). The local-size set is also loaded into ClickHouse and every
 * answer there must equal the local engine's (a mismatch throws), so the scale figures come
 * from a path whose answers are checked.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Connection, loadToClickHouse, runEqlRemote, runSplRemote, startClickHouseServer, type ClickHouseServer, type ServerOptions, type Target } from "@quarry/clickhouse";
import { runEql, type EqlResponse } from "@quarry/engine";
import { diffAnswers, type Answer } from "./answer.ts";
import { prepareRaw, type RawData } from "./data.ts";
import { EQL, QUARRY_QUERIES, SPL, SPL_OPTS, quarryAnswer, quarryIngest, quarryRun, type OpId, type QuarryRaw } from "./quarry-ops.ts";
import { measure, type Timing } from "./timing.ts";

/** The questions asked of ClickHouse, in report order. */
export const CH_OPS = ["statsHost", "timechart", "sequence"] as const satisfies readonly OpId[];
export type ChOpId = (typeof CH_OPS)[number];

export interface ClickHouseRunOptions {
  /** Events generated and loaded into ClickHouse for the scale figures. */
  events: number;
  /** Events of the local engine's run, also loaded into ClickHouse to cross-check the answers. */
  localEvents: number;
  /** Timed runs per query (after one warm-up). */
  reps: number;
  /** Timed runs per query at scale (default `reps`): a streamed 10M-event sequence takes minutes. */
  scaleReps?: number;
  dataRoot: string;
  log: (s: string) => void;
  /** Settings of the private server (memory limit, merges). */
  server?: ServerOptions;
}

/** One load into ClickHouse (or the local ingest, for comparison). */
export interface LoadFigures {
  what: string;
  events: number;
  bytes: number;
  ms: number;
  mbPerSec: number;
  eventsPerSec: number;
  /** CPU seconds of this Node process during the load (ingest, encoding, hashing). */
  nodeCpuSeconds: number;
  /** CPU seconds of clickhouse-server during the load (null for the local ingest). */
  serverCpuSeconds: number | null;
  /** Active parts of the events table right after the load. */
  parts: number | null;
}

export interface ChOpResult {
  id: ChOpId;
  query: string;
  /** The answer at the local size (equal locally and in ClickHouse) and at scale. */
  answer: string;
  scaleAnswer: string;
  local: Timing;
  clickhouseLocalSize: Timing;
  clickhouseScale: Timing;
}

export interface ClickHouseResult {
  events: number;
  localEvents: number;
  loads: LoadFigures[];
  /** Seconds the server kept merging parts after the scale load (queries were timed after). */
  mergeSecondsAfterLoad: number;
  partsBeforeQueries: number;
  ops: ChOpResult[];
  /** What was compared between the local engine and ClickHouse at the local size. */
  crossChecks: string[];
  reps: number;
  scaleReps: number;
  server: ServerOptions;
}

/** The bench server: room for full-size blocks, and no more merge threads than the machine has cores. */
export const BENCH_SERVER: ServerOptions = { maxMemoryUsage: 6e9, backgroundPoolSize: 2 };

const MB = 1e6;

/** A question asked of a ClickHouse dataset through the public remote entry points (what `quarry eql|spl --clickhouse` runs). */
export async function clickhouseRun(target: Target, op: ChOpId): Promise<QuarryRaw> {
  switch (op) {
    case "statsHost":
    case "timechart": {
      const r = await runSplRemote(target, SPL[op], SPL_OPTS);
      return { kind: "rows", fields: r.fields, rows: r.results };
    }
    case "sequence": {
      const r = await runEqlRemote(target, EQL.sequence!, { size: Number.MAX_SAFE_INTEGER });
      return { kind: "count", n: r.hits.sequences?.length ?? 0 };
    }
  }
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function activeParts(url: string, dataset: string): Promise<number> {
  const conn = new Connection(url);
  try {
    const rows = await conn.rows<{ n: string }>(`SELECT count() AS n FROM system.parts WHERE active AND table = 'quarry_${dataset}_events'`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await conn.close();
  }
}

/** Loads a generated set into a dataset and measures it; throws unless every file committed with the manifest's counts. */
async function timedLoad(server: ClickHouseServer, dataset: string, data: RawData, log: (s: string) => void): Promise<LoadFigures> {
  const bytes = data.rawFiles.reduce((n, f) => n + f.bytes, 0);
  log(`clickhouse: loading ${data.events.toLocaleString("en-US")} events (${(bytes / MB).toFixed(0)} MB) into ${dataset} …`);
  const cpu0 = cpuNow();
  const server0 = server.cpuSeconds();
  const t0 = performance.now();
  const results = await loadToClickHouse(
    { url: server.url, dataset },
    data.rawFiles.map((f) => f.path),
  );
  const ms = performance.now() - t0;
  for (const [i, r] of results.entries()) {
    if (r.status !== "loaded") throw new Error(`clickhouse load of ${r.file}: ${r.status}${r.error ? `: ${r.error}` : ""}`);
    const want = data.rawFiles[i]!.events;
    if (r.summary?.events !== want || r.summary.problemTotal > 0) throw new Error(`clickhouse load of ${r.file}: ${r.summary?.events} events, ${r.summary?.problemTotal} problems (manifest: ${want})`);
  }
  const events = results.reduce((n, r) => n + (r.summary?.events ?? 0), 0);
  return {
    what: `ClickHouse load (${events.toLocaleString("en-US")})`,
    events,
    bytes,
    ms,
    mbPerSec: bytes / MB / (ms / 1000),
    eventsPerSec: events / (ms / 1000),
    nodeCpuSeconds: cpuNow() - cpu0,
    serverCpuSeconds: server.cpuSeconds() - server0,
    parts: await activeParts(server.url, dataset),
  };
}

/** Waits until the server has no merge running (at most `maxMs`); returns the seconds waited. */
async function waitForMerges(url: string, maxMs: number): Promise<number> {
  const conn = new Connection(url);
  const t0 = performance.now();
  try {
    for (;;) {
      const rows = await conn.rows<{ n: string }>("SELECT count() AS n FROM system.merges");
      if (Number(rows[0]?.n ?? 0) === 0 || performance.now() - t0 > maxMs) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await conn.close();
  }
}

function comparable(r: EqlResponse): Omit<EqlResponse, "took"> {
  const { took: _took, ...rest } = r;
  return rest;
}

/** The local engine at its size: ingest (timed once, from memory as the peer bench does) and the questions. */
async function localQuestions(data: RawData, reps: number, log: (s: string) => void) {
  const files = data.rawFiles.map((f) => ({ name: basename(f.path), bytes: new Uint8Array(readFileSync(f.path)) }));
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  log(`quarry: ingest ${data.events.toLocaleString("en-US")} events …`);
  const cpu0 = cpuNow();
  const t0 = performance.now();
  const ds = quarryIngest(files).ds;
  const ms = performance.now() - t0;
  const load: LoadFigures = {
    what: `Quarry local ingest (${ds.rowCount.toLocaleString("en-US")})`,
    events: ds.rowCount,
    bytes,
    ms,
    mbPerSec: bytes / MB / (ms / 1000),
    eventsPerSec: ds.rowCount / (ms / 1000),
    nodeCpuSeconds: cpuNow() - cpu0,
    serverCpuSeconds: null,
    parts: null,
  };
  if (ds.rowCount !== data.events) throw new Error(`quarry ingested ${ds.rowCount} events, the generator's manifest says ${data.events}`);
  const local = new Map<ChOpId, { timing: Timing; answer: Answer }>();
  for (const op of CH_OPS) {
    log(`quarry: ${op} …`);
    const r = await measure(() => quarryRun(ds, op), reps, 1);
    local.set(op, { timing: r.timing, answer: quarryAnswer(op, r.result) });
  }
  // The full sequence response, for the strictest of the cross-checks.
  const localSequences = comparable(runEql(ds, EQL.sequence!, { size: Number.MAX_SAFE_INTEGER }));
  return { load, local, localSequences };
}

/** Runs the whole ClickHouse benchmark; throws when an answer differs between the local engine and ClickHouse. */
export async function runClickHouseBench(o: ClickHouseRunOptions): Promise<ClickHouseResult> {
  const serverOpts = o.server ?? BENCH_SERVER;
  const localData = prepareRaw(o.dataRoot, o.localEvents, o.log);
  const scaleData = prepareRaw(o.dataRoot, o.events, o.log);
  const loads: LoadFigures[] = [];

  const { load: localLoad, local, localSequences } = await localQuestions(localData, o.reps, o.log);
  loads.push(localLoad);

  o.log("clickhouse: starting a private server …");
  const server = await startClickHouseServer(serverOpts);
  try {
    const small: Target = { url: server.url, dataset: "bench_local" };
    const scale: Target = { url: server.url, dataset: "bench_scale" };

    // Cross-check at the local size: every answer in ClickHouse equals the local engine's.
    loads.push(await timedLoad(server, small.dataset, localData, o.log));
    const crossChecks: string[] = [];
    const atLocalSize = new Map<ChOpId, Timing>();
    for (const op of CH_OPS) {
      o.log(`clickhouse (${localData.events.toLocaleString("en-US")}): ${op} …`);
      const r = await measure(() => clickhouseRun(small, op), o.reps, 1);
      const want = local.get(op)!.answer;
      const diff = diffAnswers(want, quarryAnswer(op, r.result));
      if (diff) throw new Error(`CROSS-CHECK FAILED: ${op}: the local engine and ClickHouse disagree: ${diff}`);
      crossChecks.push(`${QUARRY_QUERIES[op]}: ${want.summary}`);
      atLocalSize.set(op, r.timing);
    }
    const remoteSequences = comparable(await runEqlRemote(small, EQL.sequence!, { size: Number.MAX_SAFE_INTEGER }));
    if (JSON.stringify(remoteSequences) !== JSON.stringify(localSequences)) throw new Error("CROSS-CHECK FAILED: sequence: the EQL responses (events, join keys, order) differ between the local engine and ClickHouse");
    crossChecks.push(`EQL response of the sequence query (${localSequences.hits.sequences?.length ?? 0} sequences with their events and join keys): identical`);

    // Scale: load, let the merges settle, then the questions.
    loads.push(await timedLoad(server, scale.dataset, scaleData, o.log));
    o.log("clickhouse: waiting for background merges …");
    const mergeSecondsAfterLoad = await waitForMerges(server.url, 15 * 60_000);
    const partsBeforeQueries = await activeParts(server.url, scale.dataset);
    const total = await runSplRemote(scale, "* | stats count", SPL_OPTS);
    if (Number(total.results[0]?.count) !== scaleData.events) throw new Error(`clickhouse holds ${String(total.results[0]?.count)} events, the generator's manifest says ${scaleData.events}`);
    const ops: ChOpResult[] = [];
    for (const op of CH_OPS) {
      o.log(`clickhouse (${scaleData.events.toLocaleString("en-US")}): ${op} …`);
      const r = await measure(() => clickhouseRun(scale, op), o.scaleReps ?? o.reps, 1);
      const answer = quarryAnswer(op, r.result);
      if (answer.lines.length === 0 || answer.summary.startsWith("0")) throw new Error(`clickhouse (${scaleData.events}): ${op} selected nothing`);
      ops.push({
        id: op,
        query: QUARRY_QUERIES[op],
        answer: local.get(op)!.answer.summary,
        scaleAnswer: answer.summary,
        local: local.get(op)!.timing,
        clickhouseLocalSize: atLocalSize.get(op)!,
        clickhouseScale: r.timing,
      });
    }
    return { events: scaleData.events, localEvents: localData.events, loads, mergeSecondsAfterLoad, partsBeforeQueries, ops, crossChecks, reps: o.reps, scaleReps: o.scaleReps ?? o.reps, server: serverOpts };
  } finally {
    await server.stop();
  }
}
