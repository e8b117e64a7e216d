import type { Aggregation, Expr, Source, TimeRange } from "../../lang/plan.ts";
import { bucketStart } from "../../lang/spl/time.ts";
import { columnOf, valueAt, type Dataset } from "../../store/dataset.ts";
import type { Column, Segment } from "../../store/types.ts";
import { BATCH_ROWS, checkCancelled, type CancelToken } from "../cancel.ts";
import type { EventList } from "../event-list.ts";
import { selectEvents } from "../filter.ts";
import { selectPicks } from "./picks.ts";
import { SplExecError } from "./errors.ts";
import { getLookup } from "./lookups.ts";
import { columnarStats, columnarStatsEligible } from "./columnar-stats.ts";
import { runStats } from "./pipes/stats.ts";
import { splRuntime } from "./runtime.ts";
import type { Row, Table } from "./table.ts";

/** The events matching a search, newest first (Splunk's order), as a selection. */
export function selectSplEvents(ds: Dataset, where: Expr, timeRange: TimeRange | undefined, cancel?: CancelToken): EventList {
  return selectEvents(ds, where, { ...(timeRange ? { timeRange } : {}), ...(cancel ? { cancel } : {}) });
}

/** Stored and alias field names of a segment with their columns (aliases resolved once). */
function segmentColumns(seg: Segment): Array<[string, Column]> {
  const out: Array<[string, Column]> = [];
  for (const [name, col] of seg.columns) out.push([name, col]);
  for (const alias of seg.aliases.keys()) {
    if (seg.columns.has(alias)) continue;
    const col = columnOf(seg, alias);
    if (col) out.push([alias, col]);
  }
  return out;
}


/**
 * Materialises events as rows, newest first: `_time` (seconds), `_raw`, every stored field and
 * every alias. Only done when a pipe needs rows (the fast paths aggregate the selection directly).
 */
export function materialise(ds: Dataset, list: EventList, only: Set<string> | null = null, cancel?: CancelToken): Table {
  const colsBySeg = new Map<number, Array<[string, Column]>>();
  const rows: Row[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    if (i % BATCH_ROWS === 0) checkCancelled(cancel);
    const s = list.seg[list.length - 1 - i]!;
    const r = list.row[list.length - 1 - i]!;
    const seg = ds.segments[s]!;
    let cols = colsBySeg.get(s);
    if (!cols) colsBySeg.set(s, (cols = segmentColumns(seg).filter(([name]) => only === null || only.has(name))));
    const t = seg.time[r]!;
    const row: Row = {};
    if (!Number.isNaN(t)) row._time = t / 1000;
    row._raw = seg.raw[r] ?? "";
    for (const [name, col] of cols) {
      const v = valueAt(col, r);
      if (v !== null) row[name] = v;
    }
    rows[i] = row;
  }
  return { rows, fields: null };
}

/** `| metadata type=...`: one row per sourcetype/host/source with counts and first/last times (seconds). */
export function runMetadata(ds: Dataset, source: Extract<Source, { kind: "metadata" }>): Table {
  const field = source.type === "sourcetypes" ? "sourcetype" : source.type === "hosts" ? "host" : "source";
  const acc = new Map<string, { n: number; first: number; last: number }>();
  for (const seg of ds.segments) {
    const col = columnOf(seg, field);
    for (let r = 0; r < seg.rowCount; r++) {
      const v = col ? valueAt(col, r) : field === "sourcetype" ? seg.sourcetype : null;
      if (v === null) continue;
      const k = Array.isArray(v) ? String(v[0]) : String(v);
      const t = seg.time[r]!;
      let a = acc.get(k);
      if (!a) acc.set(k, (a = { n: 0, first: Infinity, last: -Infinity }));
      a.n++;
      if (!Number.isNaN(t)) {
        a.first = Math.min(a.first, t);
        a.last = Math.max(a.last, t);
      }
    }
  }
  const rows: Row[] = [...acc.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, a]) => {
      const row: Row = { [field]: k, type: source.type, totalCount: a.n };
      if (Number.isFinite(a.first)) {
        row.firstTime = Math.floor(a.first / 1000);
        row.lastTime = Math.floor(a.last / 1000);
        // Index time is unknown for dropped files; the latest event time stands in for it.
        row.recentTime = Math.floor(a.last / 1000);
      }
      return row;
    });
  return { rows, fields: ["firstTime", "lastTime", "recentTime", field, "totalCount", "type"] };
}

const INDEXED = new Set(["sourcetype", "source", "host", "index", "_time"]);

/** `| tstats`: aggregates over indexed fields of the selected events; prestats=t leaves pre-counted rows. */
export function runTstats(ds: Dataset, source: Extract<Source, { kind: "tstats" }>, timeRange: TimeRange | undefined): Table {
  for (const f of source.by) if (!INDEXED.has(f)) throw new SplExecError(`tstats can only group by indexed fields (sourcetype, source, host, index, _time), not "${f}"`);
  for (const a of source.aggregations) {
    const arg = a.arg;
    if (arg && !(arg.kind === "field" && INDEXED.has(arg.name))) throw new SplExecError(`tstats ${a.fn}() needs an indexed field (data models are not supported)`);
  }
  const pipe = { kind: "stats" as const, aggregations: source.aggregations, by: source.by, mode: "stats" as const };
  if (!source.prestats && !source.spanMs && columnarStatsEligible(pipe)) {
    // Grouping by indexed fields without time buckets: straight over the columns.
    const fast = columnarStats(ds, selectPicks(ds, source.where, timeRange), pipe);
    if (fast) return fast;
  }
  const list = selectSplEvents(ds, source.where, timeRange);
  // Minimal rows: only the indexed fields the aggregation reads.
  const needed = new Set<string>([...source.by, ...source.aggregations.flatMap((a) => (a.arg?.kind === "field" ? [a.arg.name] : []))]);
  const rows: Row[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const seg = ds.segments[list.seg[i]!]!;
    const r = list.row[i]!;
    const row: Row = {};
    const t = seg.time[r]!;
    if (!Number.isNaN(t)) row._time = (source.spanMs ? bucketStart(t, source.spanMs, splRuntime.tz) : t) / 1000;
    for (const f of needed) {
      if (f === "_time") continue;
      const col = columnOf(seg, f);
      const v = col ? valueAt(col, r) : null;
      if (v !== null) row[f] = v;
    }
    rows.push(row);
  }
  const aggs: Aggregation[] = source.aggregations;
  const out = runStats({ rows, fields: null }, { kind: "stats", aggregations: aggs, by: source.by, mode: "stats" });
  if (source.prestats) {
    const countAgg = aggs.find((a) => a.fn === "count" && !a.arg);
    return countAgg ? { ...out, weightField: countAgg.as } : out;
  }
  return out;
}

/** `| inputlookup name`: the rows of a registered lookup table. */
export function runInputlookup(ds: Dataset, source: Extract<Source, { kind: "lookupTable" }>): Table {
  const t = getLookup(ds, source.table);
  if (!t) throw new SplExecError(`lookup table "${source.table}" is not loaded (register a CSV with that name)`);
  return { rows: t.rows.map((r) => ({ ...r })), fields: [...t.fields] };
}
