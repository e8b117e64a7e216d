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
import { Dataset, IngestJob, sliceValue, type Column, type IngestProgress, type IngestSummary, type Segment } from "@quarry/engine";
import { Connection, RemoteError } from "./conn.ts";
import { addColumns, chTypeFor, ensureTables, existingColumns, holds, readInfo, tables, type FieldColumn, type SegmentMeta, type StoredKind, type Target } from "./layout.ts";
import { ident, literal } from "./sql.ts";

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
  /** Rows per INSERT. */
  batchRows?: number;
  onProgress?: (p: IngestProgress & { phase: "ingest" | "insert"; inserted: number }) => void;
  signal?: AbortSignal;
}

/** One file to load: a path on disk, and the name events get as `source` (default: the base name). */
export interface LoadFile {
  path: string;
  name?: string;
}

/** Loads files into a ClickHouse dataset; resolves with one result per file (failures included). */
export async function loadToClickHouse(target: Target, files: Array<string | LoadFile>, opts: LoadOptions = {}): Promise<FileLoadResult[]> {
  const conn = new Connection(target.url);
  const shards = target.cluster ? target.cluster.shardUrls.map((u) => new Connection(u)) : [];
  try {
    await ensureTables(conn, target, shards);
    const info = await readInfo(conn, target.dataset, { mustExist: true });
    const t = tables(target.dataset);
    const maxSeg = await conn.rows<{ n: string | number }>(`SELECT count() AS n FROM ${ident(t.segments)}`);
    const state = {
      nextSeq: info.loads.reduce((m, l) => Math.max(m, l.seqEnd), 0),
      nextSegment: Number(maxSeg[0]?.n ?? 0),
      fields: info.fields,
      columns: info.columns,
      fingerprints: new Map(info.loads.map((l) => [l.fingerprint, l.file])),
    };
    const results: FileLoadResult[] = [];
    for (const f of files) {
      const file = typeof f === "string" ? { path: f } : f;
      results.push(await loadOne(conn, shards, target, file, state, opts));
    }
    return results;
  } finally {
    await Promise.all([conn.close(), ...shards.map((s) => s.close())]);
  }
}

interface LoadState {
  nextSeq: number;
  nextSegment: number;
  fields: Map<string, FieldColumn[]>;
  columns: Map<string, FieldColumn>;
  fingerprints: Map<string, string>;
}

async function loadOne(conn: Connection, shards: Connection[], target: Target, file: LoadFile, state: LoadState, opts: LoadOptions): Promise<FileLoadResult> {
  const name = file.name ?? basename(file.path);
  const info = await stat(file.path).catch(() => null);
  if (!info || !info.isFile()) return { file: name, status: "failed", fingerprint: "", summary: null, error: info ? "not a regular file" : `file not found: ${file.path}` };

  // Ingest locally first (the same code path as the browser), hashing the bytes as they stream.
  const ds = new Dataset();
  ds.nextSeq = state.nextSeq;
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
  const seen = state.fingerprints.get(fingerprint);
  if (seen !== undefined) return { file: name, status: "duplicate", fingerprint, summary, duplicateOf: seen };
  if (ds.rowCount === 0) return { file: name, status: "empty", fingerprint, summary };

  const load = randomUUID();
  const t = tables(target.dataset);
  let metas: SegmentMeta[] = [];
  try {
    const use = await ensureColumns(conn, shards, target, ds, state);
    metas = ds.segments.map((seg) => segmentMeta(seg, state.nextSegment + seg.id, load, use));
    let inserted = 0;
    const batchRows = opts.batchRows ?? 20_000;
    const settings = target.cluster ? { insert_distributed_sync: 1 } : undefined;
    for (const seg of ds.segments) {
      const cols = [...seg.columns].map(([n, c]) => ({ col: use.get(n)!, c }));
      for (let start = 0; start < seg.rowCount; start += batchRows) {
        if (opts.signal?.aborted) throw new RemoteError("load cancelled", "cancelled");
        const end = Math.min(seg.rowCount, start + batchRows);
        const rows: Array<Record<string, unknown>> = [];
        for (let r = start; r < end; r++) rows.push(eventRow(seg, r, state.nextSegment + seg.id, load, cols));
        await conn.insert(ident(t.events), rows, settings ? { settings, ...(opts.signal ? { signal: opts.signal } : {}) } : opts.signal ? { signal: opts.signal } : {});
        inserted += rows.length;
        opts.onProgress?.({ ...job.progress(), phase: "insert", inserted });
      }
    }
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

function eventRow(seg: Segment, r: number, segmentId: number, load: string, cols: Array<{ col: FieldColumn; c: Segment["columns"] extends Map<string, infer C> ? C : never }>): Record<string, unknown> {
  const time = seg.time[r]!;
  const row: Record<string, unknown> = {
    _seq: seg.seq[r]!,
    _load: load,
    _segment: segmentId,
    _ts: Number.isNaN(time) ? null : time,
    _ms: Number.isNaN(time) ? 0 : Math.floor(time),
    _raw: seg.raw[r]!,
  };
  for (const { col, c } of cols) {
    let v: number | string | string[] | null = null;
    switch (c.kind) {
      case "num": {
        const x = c.values[r]!;
        v = Number.isNaN(x) ? null : col.type === "Nullable(Float64)" ? x : String(x);
        break;
      }
      case "str": {
        const id = c.ids[r]!;
        v = id === 0 ? null : c.dict.values[id]!;
        break;
      }
      case "slice":
        v = sliceValue(c, r);
        break;
      case "multi": {
        const out: string[] = [];
        for (let i = c.offsets[r]!; i < c.offsets[r + 1]!; i++) out.push(c.dict.values[c.ids[i]!]!);
        v = out.length ? out : null;
        break;
      }
    }
    if (v === null) continue;
    row[col.col] = col.type === "Array(String)" && !Array.isArray(v) ? [String(v)] : v;
  }
  return row;
}
