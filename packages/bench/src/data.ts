/**
 * Benchmark data: the BOTSv2-style generator's raw files, written once per size under
 * `packages/bench/data/<events>/raw`, plus the same events flattened to one wide table (CSV and
 * Arrow IPC) for the peers, which cannot read the raw formats (DuckDB-wasm has no JSON/XML reader
 * without downloading an extension; Arquero reads Arrow).
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { generateToDirectory } from "@quarry/datasets/node";
import { Dataset, IngestJob, columnOf, valueAt, type Segment } from "@quarry/engine";
import { Table, tableToIPC, vectorFromArray, Utf8, Float64, Dictionary, Int32, type Vector } from "apache-arrow";

/** One flattened column: its name and SQL type. */
export interface FlatColumn {
  name: string;
  type: "num" | "str";
}

/**
 * The columns the operations read, resolved per segment through Quarry's aliases (so `src_ip` of the
 * access log is its `clientip`, as Splunk's field aliases would make it). `seq` is Quarry's ingest
 * order, the tiebreaker every engine orders sequence events by.
 */
export const FLAT_COLUMNS: FlatColumn[] = [
  { name: "seq", type: "num" },
  { name: "_time", type: "num" },
  { name: "sourcetype", type: "str" },
  { name: "host", type: "str" },
  { name: "EventCode", type: "num" },
  { name: "ProcessId", type: "num" },
  { name: "ParentProcessId", type: "num" },
  { name: "Image", type: "str" },
  { name: "CommandLine", type: "str" },
  { name: "src_ip", type: "str" },
  { name: "dest_ip", type: "str" },
  { name: "dest_port", type: "num" },
];

/** Where one size's files live. */
export interface BenchData {
  dir: string;
  rawDir: string;
  /** Raw files (absolute paths), NDJSON ones flagged. */
  rawFiles: Array<{ path: string; bytes: number; ndjson: boolean; events: number }>;
  csvPath: string;
  arrowPath: string;
  events: number;
}

const NDJSON_FILE = /\.json$/;

/** The generator's raw files of one size, generated once under `root/<events>/raw`. */
export type RawData = Pick<BenchData, "dir" | "rawDir" | "rawFiles" | "events">;

/** Generates (once) the raw files of about `events` events under `root`; the manifest lists them. */
export function prepareRaw(root: string, events: number, log: (s: string) => void = () => {}): RawData {
  const dir = join(root, String(events));
  const rawDir = join(dir, "raw");
  const manifestPath = join(rawDir, "manifest.json");
  if (!existsSync(manifestPath)) {
    log(`generating ${events} events into ${rawDir} …`);
    generateToDirectory(rawDir, { events, seed: "botsv2" });
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { events: number; files: Array<{ name: string; events: number; bytes: number }> };
  const rawFiles = manifest.files.map((f) => ({ path: join(rawDir, f.name), bytes: statSync(join(rawDir, f.name)).size, ndjson: NDJSON_FILE.test(f.name), events: f.events }));
  return { dir, rawDir, rawFiles, events: manifest.events };
}

/** Generates (once) and flattens (once) the dataset of about `events` events under `root`. */
export function prepareData(root: string, events: number, log: (s: string) => void = () => {}): BenchData {
  const { dir, rawFiles, rawDir, events: generated } = prepareRaw(root, events, log);
  const csvPath = join(dir, "events.csv");
  const arrowPath = join(dir, "events.arrow");
  if (!existsSync(csvPath) || !existsSync(arrowPath)) {
    log(`flattening to ${csvPath} and ${arrowPath} …`);
    const ds = new Dataset();
    for (const f of rawFiles) ingestFile(ds, f.path);
    const table = flatten(ds);
    writeCsv(csvPath, table);
    writeFileSync(arrowPath, toArrow(table));
  }
  return { dir, rawDir, rawFiles, csvPath, arrowPath, events: generated };
}

/** Reads a whole file into a dataset in 1 MiB chunks, as the CLI and the web app stream it. */
export function ingestFile(ds: Dataset, path: string, name = path.split("/").pop()!): number {
  const bytes = readFileSync(path);
  return ingestBuffer(ds, bytes, name);
}

/** Ingests bytes already in memory (1 MiB writes); returns the event count. Throws on any problem. */
export function ingestBuffer(ds: Dataset, bytes: Uint8Array, name: string): number {
  const job = new IngestJob(ds, name);
  for (let o = 0; o < bytes.length; o += 1 << 20) job.write(bytes.subarray(o, o + (1 << 20)));
  const s = job.end();
  if (s.problemTotal > 0) throw new Error(`ingest of ${name}: ${s.problemTotal} problems ${JSON.stringify(s.problemCounts)}`);
  return s.events;
}

/** Column-major flattened table: numbers (NaN = null) or strings (null = absent). */
export interface FlatTable {
  rows: number;
  columns: Map<string, Float64Array | Array<string | null>>;
}

/** The FLAT_COLUMNS of every event, in global (time, seq) order like the engine's merged output. */
export function flatten(ds: Dataset): FlatTable {
  const order: Array<[Segment, number]> = [];
  for (const seg of ds.segments) for (let r = 0; r < seg.rowCount; r++) order.push([seg, r]);
  order.sort((a, b) => a[0].time[a[1]]! - b[0].time[b[1]]! || a[0].seq[a[1]]! - b[0].seq[b[1]]!);
  const n = order.length;
  const columns = new Map<string, Float64Array | Array<string | null>>();
  for (const c of FLAT_COLUMNS) {
    if (c.type === "num") {
      const out = new Float64Array(n).fill(Number.NaN);
      for (let i = 0; i < n; i++) {
        const [seg, r] = order[i]!;
        if (c.name === "seq") out[i] = seg.seq[r]!;
        else if (c.name === "_time") out[i] = seg.time[r]!;
        else {
          const col = columnOf(seg, c.name);
          const v = col ? valueAt(col, r) : null;
          out[i] = typeof v === "number" ? v : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
        }
      }
      columns.set(c.name, out);
    } else {
      const out: Array<string | null> = new Array(n).fill(null);
      for (let i = 0; i < n; i++) {
        const [seg, r] = order[i]!;
        const col = columnOf(seg, c.name);
        const v = col ? valueAt(col, r) : null;
        out[i] = v === null || v === undefined ? null : Array.isArray(v) ? String(v[0]) : String(v);
      }
      columns.set(c.name, out);
    }
  }
  return { rows: n, columns };
}

/**
 * Writes RFC 4180 CSV with a header; empty unquoted field = null, strings always quoted (so "" is "").
 * Written in batches: at 5M events the whole text would exceed V8's longest string.
 */
export function writeCsv(path: string, t: FlatTable): void {
  const fd = openSync(path, "w");
  try {
    const cols = FLAT_COLUMNS.map((c) => t.columns.get(c.name)!);
    let parts: string[] = [FLAT_COLUMNS.map((c) => c.name).join(",")];
    for (let i = 0; i < t.rows; i++) {
      const cells: string[] = [];
      for (const col of cols) {
        const v = col[i];
        if (typeof v === "number") cells.push(Number.isNaN(v) ? "" : String(v));
        else cells.push(v === null || v === undefined ? "" : `"${v.replace(/"/g, '""')}"`);
      }
      parts.push(cells.join(","));
      if (parts.length >= 50_000) {
        writeSync(fd, parts.join("\n") + "\n");
        parts = [];
      }
    }
    if (parts.length) writeSync(fd, parts.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
}

/** Arrow IPC file: float64 numbers, dictionary-encoded utf8 strings (as Arrow producers write logs). */
export function toArrow(t: FlatTable): Uint8Array {
  const arrays: Record<string, Vector> = {};
  for (const c of FLAT_COLUMNS) {
    const col = t.columns.get(c.name)!;
    if (c.type === "num") {
      const vals = Array.from(col as Float64Array, (v) => (Number.isNaN(v) ? null : v));
      arrays[c.name] = vectorFromArray(vals, new Float64());
    } else arrays[c.name] = vectorFromArray(col as Array<string | null>, new Dictionary(new Utf8(), new Int32()));
  }
  return tableToIPC(new Table(arrays), "file");
}
