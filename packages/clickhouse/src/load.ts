/**
 * `quarry load --clickhouse`: each file goes through the engine's own streaming ingest and
 * normalisation (so sourcetypes, fields, aliases and seq numbers are what a local load gives),
 * then its segments are written to ClickHouse in batches. A load commits by writing its row in
 * the loads table last; a load that fails part-way is deleted and, even if the delete fails, stays
 * invisible to queries. A file whose content fingerprint (SHA-256) was already committed is skipped.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Dataset, IngestJob, type Column, type IngestProgress, type IngestSummary, type Segment } from "@quarry/engine";
import { Connection, RemoteError } from "./conn.ts";
import { addColumns, chTypeFor, ensureTables, existingColumns, holds, readInfo, tables, type FieldColumn, type SegmentMeta, type StoredKind, type Target } from "./layout.ts";
import { BlockBuffer, NativeEncoder } from "./native.ts";
import { ident, literal } from "./sql.ts";

/** Most rows per Native block (each block becomes one part on the server). */
const MAX_BLOCK_ROWS = 131_072;

/** What happened to one file. */
export interface FileLoadResult {
  file: string;
  status: "loaded" | "duplicate" | "failed" | "empty";
  fingerprint: string;
  summary: IngestSummary | null;
  /** For a duplicate: the file name it was first loaded as. */
  duplicateOf?: string;
  error?: string;
}

/** Options of a load. */
export interface LoadOptions {
  /**
   * Most rows per Native block (the whole file goes in one INSERT, a part per block); default
   * 131072, fewer when the server's memory limit calls for it (see `blockRowsFor`).
   */
  batchRows?: number;
  onProgress?: (p: IngestProgress & { phase: "ingest" | "insert"; inserted: number }) => void;
  signal?: AbortSignal;
}

/** One file to load: a path on disk, and the name events get as `source` (default: the base name). */
export interface LoadFile {
  path: string;
  name?: string;
}

/**
 * Loads files into a ClickHouse dataset; resolves with one result per file (failures included).
 *
 * Files are ingested in order (ingest order is the `_seq` order), but one file ahead: while file
 * i's blocks stream to the server, file i+1 is read and ingested, so the local ingest (CPU here)
 * and the server's inserting (CPU there) overlap. File i+1 is numbered as if file i commits; when
 * file i fails instead, file i+1 is ingested again with the numbers file i left free, so the
 * numbering is always what one file after another would give.
 */
export async function loadToClickHouse(target: Target, files: Array<string | LoadFile>, opts: LoadOptions = {}): Promise<FileLoadResult[]> {
  const conn = new Connection(target.url);
  const shards = target.cluster ? target.cluster.shardUrls.map((u) => new Connection(u)) : [];
  let storing: Promise<FileLoadResult> | null = null;
  try {
    await ensureTables(conn, target, shards);
    const info = await readInfo(conn, target.dataset, { mustExist: true });
    const t = tables(target.dataset);
    const maxSeg = await conn.rows<{ n: string | number }>(`SELECT count() AS n FROM ${ident(t.segments)}`);
    const state: LoadState = {
      memoryLimit: await memoryLimit(conn),
      nextSeq: info.loads.reduce((m, l) => Math.max(m, l.seqEnd), 0),
      nextSegment: Number(maxSeg[0]?.n ?? 0),
      fields: info.fields,
      columns: info.columns,
      fingerprints: new Map(info.loads.map((l) => [l.fingerprint, l.file])),
    };
    const results: FileLoadResult[] = [];
    // Where the next file's numbering starts if everything before it commits.
    let expectedSeq = state.nextSeq;
    let inFlight: string | null = null;
    for (const f of files) {
      const file = typeof f === "string" ? { path: f } : f;
      let prepared = await prepareFile(file, expectedSeq, opts);
      if (storing) {
        results.push(await storing);
        storing = null;
      }
      if (prepared.kind === "ingested" && prepared.seqStart !== state.nextSeq) prepared = await prepareFile(file, state.nextSeq, opts);
      if (prepared.kind === "done") {
        results.push(prepared.result);
        continue;
      }
      // A copy of the file still being stored is probably a duplicate: it takes no numbers.
      const likelyDuplicate = state.fingerprints.has(prepared.fingerprint) || prepared.fingerprint === inFlight;
      expectedSeq = likelyDuplicate ? state.nextSeq : prepared.ds.nextSeq;
      inFlight = prepared.fingerprint;
      storing = storeFile(conn, shards, target, prepared, state, opts);
    }
    if (storing) {
      results.push(await storing);
      storing = null;
    }
    return results;
  } finally {
    // A cancelled ingest leaves the previous file's insert running: let it finish (or fail) first.
    if (storing) await storing.catch(() => null);
    await Promise.all([conn.close(), ...shards.map((s) => s.close())]);
  }
}

interface LoadState {
  /** The server's per-query memory limit in bytes (0: none). */
  memoryLimit: number;
  nextSeq: number;
  nextSegment: number;
  fields: Map<string, FieldColumn[]>;
  columns: Map<string, FieldColumn>;
  fingerprints: Map<string, string>;
}

/** A file after the local ingest: its dataset (numbered from `seqStart`) and fingerprint, or already a result. */
type Prepared =
  | { kind: "done"; result: FileLoadResult }
  | { kind: "ingested"; name: string; ds: Dataset; job: IngestJob; summary: IngestSummary; fingerprint: string; seqStart: number };

/** Reads and ingests one file locally (the same code path as the browser), hashing the bytes as they stream. */
async function prepareFile(file: LoadFile, seqStart: number, opts: LoadOptions): Promise<Prepared> {
  const name = file.name ?? basename(file.path);
  const info = await stat(file.path).catch(() => null);
  if (!info || !info.isFile()) return { kind: "done", result: { file: name, status: "failed", fingerprint: "", summary: null, error: info ? "not a regular file" : `file not found: ${file.path}` } };
  const ds = new Dataset();
  ds.nextSeq = seqStart;
  const job = new IngestJob(ds, name);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file.path, { highWaterMark: 1 << 20 })) {
    if (opts.signal?.aborted) throw new RemoteError("load cancelled; nothing of this file was committed", "cancelled");
    hash.update(chunk as Uint8Array);
    job.write(chunk as Uint8Array);
    opts.onProgress?.({ ...job.progress(), phase: "ingest", inserted: 0 });
  }
  const summary = job.end();
  const fingerprint = hash.digest("hex");
  if (ds.rowCount === 0) return { kind: "done", result: { file: name, status: "empty", fingerprint, summary } };
  return { kind: "ingested", name, ds, job, summary, fingerprint, seqStart };
}

/** Writes an ingested file's events, then its segments, then its commit row; a failure rolls the rows back. */
async function storeFile(conn: Connection, shards: Connection[], target: Target, p: Extract<Prepared, { kind: "ingested" }>, state: LoadState, opts: LoadOptions): Promise<FileLoadResult> {
  const { name, ds, job, summary, fingerprint } = p;
  const seen = state.fingerprints.get(fingerprint);
  if (seen !== undefined) return { file: name, status: "duplicate", fingerprint, summary, duplicateOf: seen };
  const load = randomUUID();
  const t = tables(target.dataset);
  try {
    const use = await ensureColumns(conn, shards, target, ds, state);
    const metas = ds.segments.map((seg) => segmentMeta(seg, state.nextSegment + seg.id, load, use));
    let inserted = 0;
    let rawChars = 0;
    for (const seg of ds.segments) for (const r of seg.raw) rawChars += r.length;
    const batchRows = blockRowsFor(state.memoryLimit, FIXED_COLUMN_COUNT + state.columns.size, rawChars / ds.rowCount, opts.batchRows ?? MAX_BLOCK_ROWS);
    const encoder = new NativeEncoder();
    const settings: Record<string, number> = {
      // Small blocks (small segments) are squashed into parts of up to a block; full blocks go as they are.
      min_insert_block_size_rows: batchRows,
      min_insert_block_size_bytes: 0,
      ...(target.cluster ? { insert_distributed_sync: 1 } : {}),
    };
    // One INSERT for the whole file. Two block buffers take turns: one is being written to the
    // socket while the next block is built in the other.
    await conn.insertStream(
      ident(t.events),
      "Native",
      async (send) => {
        const buffers = [new BlockBuffer(), new BlockBuffer()];
        const written: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
        let turn = 0;
        for (const seg of ds.segments) {
          const fields = [...seg.columns].map(([n, c]) => ({ name: use.get(n)!.col, type: use.get(n)!.type, column: c }));
          const fixed = { segmentId: state.nextSegment + seg.id, load };
          for (let start = 0; start < seg.rowCount; start += batchRows) {
            if (opts.signal?.aborted) throw new RemoteError("load cancelled", "cancelled");
            const end = Math.min(seg.rowCount, start + batchRows);
            const slot = turn++ % 2;
            await written[slot];
            const w = buffers[slot]!;
            w.reset();
            encoder.block(w, seg, start, end, fixed, fields);
            const sent = send(w.result());
            // Awaited on this slot's next turn (or below); a failure before that must not go unhandled.
            sent.catch(() => {});
            written[slot] = sent;
            inserted += end - start;
            opts.onProgress?.({ ...job.progress(), phase: "insert", inserted });
          }
        }
        await Promise.all(written);
      },
      { settings, ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    await conn.insert(ident(t.segments), metas.map((m) => ({ id: m.id, load, meta: JSON.stringify(m) })));
    // The commit: only now does the load (and every row tagged with it) become visible.
    await conn.insert(ident(t.loads), [{ load, fingerprint, file: name, events: ds.rowCount, seq_end: ds.nextSeq }]);
  } catch (e) {
    await rollback(conn, shards, target, load);
    const err = e as Error;
    return { file: name, status: "failed", fingerprint, summary, error: `${err.message} (nothing of this file was committed)` };
  }
  state.nextSeq = ds.nextSeq;
  state.nextSegment += ds.segments.length;
  state.fingerprints.set(fingerprint, name);
  return { file: name, status: "loaded", fingerprint, summary };
}

/** The fixed columns of the events table (`_seq`, `_load`, `_segment`, `_ts`, `_ms`, `_time`, `_raw`). */
const FIXED_COLUMN_COUNT = 7;

/**
 * What one part being written costs the server per column of the table, whatever its rows: 18.16
 * keeps compression and file buffers per column stream (measured: 1000 rows into 339 columns need
 * 1.0–1.5 GB of the query's memory).
 */
const PART_BYTES_PER_COLUMN = 3.5e6;

/**
 * Rows per block that fit the server's per-query memory limit: the part's fixed buffers, then
 * about three copies of each row at full width (defaults of the columns a segment lacks,
 * squashing, sorting). Measured on 18.16 with 339 columns and a 2 GB limit, 16k-row blocks
 * load and 64k-row blocks fail.
 */
export function blockRowsFor(memoryLimit: number, tableColumns: number, rawBytesPerRow: number, max: number): number {
  if (!(memoryLimit > 0)) return max;
  const room = 0.7 * memoryLimit - tableColumns * PART_BYTES_PER_COLUMN;
  const perRow = 3 * (10 * tableColumns + rawBytesPerRow);
  return Math.max(1024, Math.min(max, Math.floor(room / perRow / 1024) * 1024));
}

/** The server's `max_memory_usage` for our queries (0 when unlimited or unknown). */
async function memoryLimit(conn: Connection): Promise<number> {
  const rows = await conn.rows<{ value: string }>("SELECT value FROM system.settings WHERE name = 'max_memory_usage'");
  const v = Number(rows[0]?.value ?? 0);
  return Number.isFinite(v) ? v : 0;
}

/** Best-effort removal of an uncommitted load's rows (they are invisible to queries either way). */
async function rollback(conn: Connection, shards: Connection[], target: Target, load: string): Promise<void> {
  const t = tables(target.dataset);
  try {
    if (target.cluster) for (const s of shards) await s.command(`ALTER TABLE ${ident(t.local)} DELETE WHERE _load = ${literal(load)}`);
    else await conn.command(`ALTER TABLE ${ident(t.events)} DELETE WHERE _load = ${literal(load)}`);
  } catch {
    // Unreachable server: the rows stay without a commit record, so no query ever sees them.
  }
}

/** How a column kind is stored: slices of `_raw` are plain text on the server. */
function storedKind(kind: Column["kind"]): StoredKind {
  return kind === "slice" ? "str" : kind;
}

function segmentMeta(seg: Segment, id: number, load: string, use: Map<string, FieldColumn>): SegmentMeta {
  return {
    id,
    load,
    sourcetype: seg.sourcetype,
    columns: [...seg.columns].map(([n, c]) => [n, storedKind(c.kind), c.kind === "str" && c.boolean === true, use.get(n)!.col]),
    aliases: [...seg.aliases],
  };
}

/**
 * Picks the column for every field of the file: an existing column of that field whose type holds
 * this file's values, else a new column of the needed type (one more column for the field; the
 * older one keeps serving the files already loaded).
 */
async function ensureColumns(conn: Connection, shards: Connection[], target: Target, ds: Dataset, state: LoadState): Promise<Map<string, FieldColumn>> {
  const kinds = new Map<string, Set<StoredKind>>();
  for (const seg of ds.segments) {
    for (const [n, c] of seg.columns) {
      let s = kinds.get(n);
      if (!s) kinds.set(n, (s = new Set()));
      s.add(storedKind(c.kind));
    }
  }
  const t = tables(target.dataset);
  const added: FieldColumn[] = [];
  const use = new Map<string, FieldColumn>();
  const taken = await existingColumns(conn, target.dataset);
  for (const c of state.columns.keys()) taken.add(c);
  let next = 0;
  for (const [name, ks] of kinds) {
    const need = chTypeFor(ks);
    const have = (state.fields.get(name) ?? []).find((f) => holds(f.type, need));
    if (have) {
      use.set(name, have);
      continue;
    }
    while (taken.has(`c${next}`)) next++;
    const col: FieldColumn = { name, col: `c${next}`, type: need };
    taken.add(col.col);
    added.push(col);
    use.set(name, col);
  }
  await addColumns(conn, target, shards, added);
  await conn.insert(ident(t.fields), added.map((f) => ({ name: f.name, col: f.col, type: f.type })));
  for (const f of added) {
    state.columns.set(f.col, f);
    const list = state.fields.get(f.name);
    if (list) list.push(f);
    else state.fields.set(f.name, [f]);
  }
  return use;
}
