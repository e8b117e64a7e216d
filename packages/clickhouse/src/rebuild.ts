/**
 * Rebuilds a local `Dataset` from event rows streamed back from ClickHouse, segment by segment,
 * with the column kinds, column order, aliases and seq numbers the original load had. Every
 * committed segment is present (empty when no row of it came back), so field names, aliases and
 * types look exactly as in a full local load and the local executors give the same answers.
 */
import { Dataset, type Column, type Dict, type Segment } from "@quarry/engine";
import type { DatasetInfo, FieldColumn, SegmentMeta, StoredKind } from "./layout.ts";

/** One event row as selected by `eventColumns`. */
export type EventRow = Record<string, unknown>;

/** The SELECT list that `rebuildDataset` reads: the columns stored by the `live` segments (default all). */
export function eventColumns(info: DatasetInfo, live?: ReadonlySet<number>): string[] {
  const cols = new Set<string>();
  for (const seg of info.segments) if (!live || live.has(seg.id)) for (const c of seg.columns) if (info.columns.has(c[3])) cols.add(c[3]);
  return ["_seq", "_ts", "_segment", "_raw", ...[...cols].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))];
}

interface Pending {
  kinds: Array<[string, StoredKind, boolean, FieldColumn, Dict]>;
  seq: number[];
  time: number[];
  raw: string[];
  /** Per column: per row a number (num), an id (str) or an id list (multi). */
  values: Array<Array<number | number[]>>;
}

/**
 * A rebuild of only some columns (the first phase of a two-phase run): `keep` lists, per segment,
 * the stored field names whose columns came back; the others are left out of the segment. Without
 * `raw` every event's raw text is empty.
 */
export interface PartialRebuild {
  keep: (seg: SegmentMeta) => ReadonlySet<string>;
  raw: boolean;
}

/** Builds a dataset from rows in ascending `_seq` order (dictionary ids are handed out in that order, as at ingest). */
export function rebuildDataset(info: DatasetInfo, rows: Iterable<EventRow>, partial?: PartialRebuild): Dataset {
  const ds = new Dataset();
  const pending = new Map<number, Pending>();
  for (const meta of info.segments) {
    const keep = partial?.keep(meta);
    const columns = keep ? meta.columns.filter(([name]) => keep.has(name)) : meta.columns;
    pending.set(meta.id, {
      kinds: columns.map(([name, kind, bool, col]) => [name, kind, bool, info.columns.get(col)!, ds.dict(name)]),
      seq: [],
      time: [],
      raw: [],
      values: columns.map(() => []),
    });
  }
  const withRaw = partial?.raw ?? true;
  for (const row of rows) {
    const p = pending.get(Number(row._segment));
    if (!p) continue;
    const row_i = p.seq.length;
    p.seq.push(Number(row._seq));
    p.time.push(row._ts === null || row._ts === undefined ? NaN : Number(row._ts));
    p.raw.push(withRaw ? String(row._raw ?? "") : "");
    for (let c = 0; c < p.kinds.length; c++) {
      const [, kind, , field, dict] = p.kinds[c]!;
      const v = row[field.col];
      const out = p.values[c]!;
      switch (kind) {
        case "num":
          out[row_i] = v === null || v === undefined ? NaN : Array.isArray(v) ? Number(v[0]) : Number(v);
          break;
        case "str": {
          const text = Array.isArray(v) ? (v.length ? String(v[0]) : null) : v === null || v === undefined ? null : String(v);
          out[row_i] = text === null ? 0 : dict.intern(text);
          break;
        }
        case "multi": {
          const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
          out[row_i] = list.map((x) => dict.intern(String(x)));
          break;
        }
      }
    }
  }
  let nextSeq = 0;
  for (const l of info.loads) nextSeq = Math.max(nextSeq, l.seqEnd);
  ds.nextSeq = nextSeq;
  for (const meta of info.segments) {
    const p = pending.get(meta.id)!;
    ds.segments.push(finish(ds.segments.length, meta.sourcetype, new Map(meta.aliases), p));
  }
  return ds;
}

/** Sorts a pending segment by (time, seq), NaN times first, as the segment builder does. */
function finish(id: number, sourcetype: string, aliases: Map<string, string>, p: Pending): Segment {
  const n = p.seq.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const key = (t: number) => (Number.isNaN(t) ? -Infinity : t);
  order.sort((a, b) => key(p.time[a]!) - key(p.time[b]!) || p.seq[a]! - p.seq[b]!);
  const columns = new Map<string, Column>();
  for (let c = 0; c < p.kinds.length; c++) {
    const [name, kind, bool, , dict] = p.kinds[c]!;
    const vals = p.values[c]!;
    switch (kind) {
      case "num":
        columns.set(name, { kind: "num", values: Float64Array.from(order, (i) => vals[i] as number) });
        break;
      case "str":
        columns.set(name, { kind: "str", ids: Uint32Array.from(order, (i) => vals[i] as number), dict, ...(bool ? { boolean: true } : {}) });
        break;
      case "multi": {
        const offsets = new Uint32Array(n + 1);
        const ids: number[] = [];
        order.forEach((i, k) => {
          for (const id of vals[i] as number[]) ids.push(id);
          offsets[k + 1] = ids.length;
        });
        columns.set(name, { kind: "multi", offsets, ids: Uint32Array.from(ids), dict });
        break;
      }
    }
  }
  return {
    id,
    rowCount: n,
    time: Float64Array.from(order, (i) => p.time[i]!),
    seq: Uint32Array.from(order, (i) => p.seq[i]!),
    raw: order.map((i) => p.raw[i]!),
    columns,
    aliases,
    sourcetype,
  };
}
