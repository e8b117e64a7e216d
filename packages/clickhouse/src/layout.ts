/**
 * Table layout of one dataset on ClickHouse. Events: one row per event with the ingest `_seq`
 * (the implicit tiebreaker), `_ts` (exact ms, NULL when the event had no time), `_ms` (Int64 ms)
 * and `_time` (DateTime) for ordering and ranges, `_segment` (which local segment the event
 * belongs to: sourcetype, column kinds, aliases), `_load` (the load that wrote it), `_raw`, and
 * one typed column per field (`c0`, `c1`… so no user text ever becomes an identifier). Small
 * metadata tables map field names to columns, describe segments, and record committed loads
 * with their content fingerprints; rows of a load that never committed are invisible.
 */
import { Connection, RemoteError } from "./conn.ts";
import { checkDatasetName, ident, literal } from "./sql.ts";

/** How a field is stored: numbers, text (numbers written as text when mixed) or text arrays. */
export type ChType = "Nullable(Float64)" | "Nullable(String)" | "Array(String)";

/** A column kind as the local store knows it. */
export type StoredKind = "num" | "str" | "multi";

export interface FieldColumn {
  name: string;
  col: string;
  type: ChType;
}

/** One local segment: the metadata needed to rebuild it exactly. */
export interface SegmentMeta {
  id: number;
  load: string;
  sourcetype: string;
  /**
   * Stored columns in the local order: name, kind, all-boolean flag, and the ClickHouse column
   * that holds them. A field whose kind differs between files gets one column per type, and each
   * segment names its own, so nothing is ever widened or rewritten in place.
   */
  columns: Array<[string, StoredKind, boolean, string]>;
  aliases: Array<[string, string]>;
}

/** A committed load. */
export interface LoadRecord {
  load: string;
  fingerprint: string;
  file: string;
  events: number;
  seqEnd: number;
}

/** Where a dataset lives: one server, or a cluster whose shards each hold a local events table. */
export interface Target {
  /** The server that holds metadata and answers queries (for a cluster: one with the Distributed table). */
  url: string;
  dataset: string;
  /** For a cluster: the cluster name in `remote_servers` and the HTTP URLs of every shard. */
  cluster?: { name: string; shardUrls: string[] };
}

/** Names of a dataset's tables, all validated. */
export function tables(dataset: string): { events: string; local: string; fields: string; segments: string; loads: string } {
  const base = `quarry_${checkDatasetName(dataset)}`;
  return { events: `${base}_events`, local: `${base}_events_local`, fields: `${base}_fields`, segments: `${base}_segments`, loads: `${base}_loads` };
}

/** The ClickHouse type that holds every kind a field has across segments. */
export function chTypeFor(kinds: Iterable<StoredKind>): ChType {
  let t: ChType = "Nullable(Float64)";
  for (const k of kinds) {
    if (k === "multi") return "Array(String)";
    if (k === "str") t = "Nullable(String)";
  }
  return t;
}

/** Whether a column of type `have` can hold values of a field that needs `need`. */
export function holds(have: ChType, need: ChType): boolean {
  if (have === need || have === "Array(String)") return true;
  return have === "Nullable(String)" && need === "Nullable(Float64)";
}

const FIXED_COLUMNS = "`_seq` UInt64, `_load` String, `_segment` UInt32, `_ts` Nullable(Float64), `_ms` Int64, `_time` DateTime DEFAULT toDateTime(intDiv(_ms, 1000)), `_raw` String";

/** Creates the dataset's tables when missing (events on every shard plus a Distributed table for a cluster). */
export async function ensureTables(conn: Connection, target: Target, shardConns: Connection[]): Promise<void> {
  const t = tables(target.dataset);
  await conn.command(`CREATE TABLE IF NOT EXISTS ${ident(t.fields)} (name String, col String, type String) ENGINE = Log`);
  await conn.command(`CREATE TABLE IF NOT EXISTS ${ident(t.segments)} (id UInt32, load String, meta String) ENGINE = Log`);
  await conn.command(`CREATE TABLE IF NOT EXISTS ${ident(t.loads)} (load String, fingerprint String, file String, events UInt64, seq_end UInt64, at DateTime DEFAULT now()) ENGINE = Log`);
  const mergeTree = `ENGINE = MergeTree ORDER BY (_ms, _seq)`;
  if (!target.cluster) {
    await conn.command(`CREATE TABLE IF NOT EXISTS ${ident(t.events)} (${FIXED_COLUMNS}) ${mergeTree}`);
    return;
  }
  for (const shard of shardConns) await shard.command(`CREATE TABLE IF NOT EXISTS ${ident(t.local)} (${FIXED_COLUMNS}) ${mergeTree}`);
  await conn.command(
    `CREATE TABLE IF NOT EXISTS ${ident(t.events)} (${FIXED_COLUMNS}) ENGINE = Distributed(${ident(target.cluster.name)}, currentDatabase(), ${ident(t.local)}, _seq)`,
  );
}

/** Adds field columns to the events table(s) in one ALTER each (18.16 has no ADD COLUMN IF NOT EXISTS). */
export async function addColumns(conn: Connection, target: Target, shardConns: Connection[], cols: Array<{ col: string; type: ChType }>): Promise<void> {
  if (cols.length === 0) return;
  const t = tables(target.dataset);
  const def = cols.map((c) => `ADD COLUMN ${ident(c.col)} ${c.type}`).join(", ");
  if (target.cluster) for (const shard of shardConns) await shard.command(`ALTER TABLE ${ident(t.local)} ${def}`);
  await conn.command(`ALTER TABLE ${ident(t.events)} ${def}`);
}

/** Column names the events table already has (a failed load may have added some without recording them). */
export async function existingColumns(conn: Connection, dataset: string): Promise<Set<string>> {
  const t = tables(dataset);
  const rows = await conn.rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${literal(t.events)}`);
  return new Set(rows.map((r) => r.name));
}

/** Whether the dataset exists on the server. */
export async function datasetExists(conn: Connection, dataset: string): Promise<boolean> {
  const t = tables(dataset);
  const rows = await conn.rows<{ n: string | number }>(`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = ${literal(t.loads)}`);
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Everything a query needs to know about a dataset: committed loads, their segments, field columns. */
export interface DatasetInfo {
  loads: LoadRecord[];
  segments: SegmentMeta[];
  /** Field name → its columns (one per type it needed), oldest first. */
  fields: Map<string, FieldColumn[]>;
  /** Column name → its field and type. */
  columns: Map<string, FieldColumn>;
}

/** The column that holds field `name` in a segment. */
export function columnFor(info: DatasetInfo, seg: SegmentMeta, name: string): FieldColumn | undefined {
  const entry = seg.columns.find((c) => c[0] === name);
  if (!entry) return undefined;
  return info.columns.get(entry[3]);
}

/** Reads a dataset's metadata; a dataset that was never loaded is a clear error. */
export async function readInfo(conn: Connection, dataset: string, opts: { mustExist: boolean; signal?: AbortSignal }): Promise<DatasetInfo> {
  if (!(await datasetExists(conn, dataset))) {
    if (opts.mustExist) throw new RemoteError(`dataset "${dataset}" does not exist on ClickHouse at ${conn.url} (load it with quarry load --clickhouse)`, "dataset");
    return { loads: [], segments: [], fields: new Map(), columns: new Map() };
  }
  const t = tables(dataset);
  const req = opts.signal ? { signal: opts.signal } : {};
  const loads = (await conn.rows<{ load: string; fingerprint: string; file: string; events: string; seq_end: string }>(`SELECT load, fingerprint, file, events, seq_end FROM ${ident(t.loads)}`, req)).map((r) => ({
    load: r.load,
    fingerprint: r.fingerprint,
    file: r.file,
    events: Number(r.events),
    seqEnd: Number(r.seq_end),
  }));
  const committed = new Set(loads.map((l) => l.load));
  const segments = (await conn.rows<{ meta: string }>(`SELECT meta FROM ${ident(t.segments)} ORDER BY id`, req))
    .map((r) => JSON.parse(r.meta) as SegmentMeta)
    .filter((s) => committed.has(s.load));
  const fields = new Map<string, FieldColumn[]>();
  const columns = new Map<string, FieldColumn>();
  for (const r of await conn.rows<FieldColumn>(`SELECT name, col, type FROM ${ident(t.fields)}`, req)) {
    columns.set(r.col, r);
    const list = fields.get(r.name);
    if (list) list.push(r);
    else fields.set(r.name, [r]);
  }
  for (const list of fields.values()) list.sort((a, b) => Number(a.col.slice(1)) - Number(b.col.slice(1)));
  // Segments written before fields could have one column per type name no column: the field's only one.
  for (const seg of segments) for (const c of seg.columns) if (c[3] === undefined) c[3] = fields.get(c[0])?.[0]?.col ?? "";
  return { loads, segments, fields, columns };
}

/** Every dataset on the server with its committed file and event counts. */
export async function listDatasets(conn: Connection, opts: { signal?: AbortSignal } = {}): Promise<Array<{ dataset: string; files: number; events: number }>> {
  const req = opts.signal ? { signal: opts.signal } : {};
  const names = await conn.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = currentDatabase() AND match(name, '^quarry_[A-Za-z][A-Za-z0-9_]*_loads$') ORDER BY name`, req);
  const out: Array<{ dataset: string; files: number; events: number }> = [];
  for (const { name } of names) {
    const dataset = name.slice("quarry_".length, -"_loads".length);
    const rows = await conn.rows<{ files: string; events: string }>(`SELECT count() AS files, sum(events) AS events FROM ${ident(tables(dataset).loads)}`, req);
    out.push({ dataset, files: Number(rows[0]?.files ?? 0), events: Number(rows[0]?.events ?? 0) });
  }
  return out;
}
