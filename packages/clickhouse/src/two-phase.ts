/**
 * EQL on ClickHouse in two phases, as Elasticsearch runs sequences: the stage filters select the
 * candidate events in SQL, but only the columns the engine's matcher reads come back (join keys,
 * timestamp and tiebreaker, the fields of the stage queries and pipes), without `_raw`; the
 * engine's own executors (sequence matcher, samples, joins, EQL pipes) run on that narrow
 * rebuild; then only the events of the returned hits are fetched whole, by `_seq`, and shaped
 * into the response. At 10M generated events the bench sequence's stages select ~1.3M events, of
 * which a few hundred sequences use ~1,400: the first phase moves five small columns instead of
 * every column and the raw text of every stage event.
 *
 * Exactness: every field the plan names resolves, per segment, to the stored columns the local
 * executor would read — the stored column, the segment's alias target, the stored parts of an
 * object field (`name.*`), and what a mapping aliases it to — so every read of the executor gives
 * what it gives on a whole rebuild. The narrow dataset keeps every segment, its aliases and its
 * events in the same order; mappings apply to it as to the whole rebuild (their `index` decided by
 * the same first events, whose `_index`/`source` are fetched for it).
 */
import { Dataset, applyMapping, checkedUnknownFields, eqlCapsFromEnd, eqlExecContext, eqlResponseSize, eventHit, executePlan, segmentIndex, shapeEqlHits, type EqlHit, type EqlOptions, type EqlResponse, type MappingSummary, type QueryPlan } from "@quarry/engine";
import { tables, type DatasetInfo, type SegmentMeta, type Target } from "./layout.ts";
import { eventColumns, rebuildDataset } from "./rebuild.ts";
import { whereLoaded, type DeclaredMapping, type PlanScope, type RemoteOptions } from "./remote.ts";
import { ident, literal } from "./sql.ts";
import type { PlanFields } from "./plan-fields.ts";
import { candidateKeyFilter } from "./candidate-keys.ts";

/** One stored event of the executed (narrow) dataset: segment index and row. */
interface EventRef {
  seg: number;
  row: number;
}

/** A mapping that parses, with what it declares. */
export type KnownMapping = DeclaredMapping & { summary: MappingSummary };

/** The mappings when every one parses, else null (the one-phase path reports the bad one). */
export function knownMappings(mappings: DeclaredMapping[]): KnownMapping[] | null {
  return mappings.every((m): m is KnownMapping => m.summary !== null) ? mappings : null;
}

/** The columns of the first phase. */
export interface MatcherColumns {
  /** Per segment id: the stored field names whose columns the matcher reads. */
  keep: Map<number, Set<string>>;
  /** The ClickHouse columns holding them, in table order. */
  columns: string[];
  raw: boolean;
}

/**
 * The stored columns that hold every field `names` can read, per segment. A name covers itself
 * and the parts of an object under it (`process` covers `process.name`); a mapping alias that a
 * covered name is (or lies under) covers its target too; a segment alias that is covered brings
 * the column it points to.
 */
export function matcherColumns(info: DatasetInfo, fields: PlanFields, extra: string[], mappings: KnownMapping[]): MatcherColumns {
  const names = new Set([...fields.names, ...extra]);
  const covered = (x: string): boolean => {
    if (names.has(x)) return true;
    for (let i = x.indexOf("."); i >= 0; i = x.indexOf(".", i + 1)) if (names.has(x.slice(0, i))) return true;
    return false;
  };
  // Mapping aliases, to a fixed point (an alias may point at another alias).
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of mappings) {
      for (const [alias, target] of Object.entries(m.summary.aliases)) {
        if (!names.has(target) && covered(alias)) {
          names.add(target);
          grew = true;
        }
      }
    }
  }
  const keep = new Map<number, Set<string>>();
  const cols = new Set<string>();
  for (const seg of info.segments) {
    const stored = new Map(seg.columns.map((c) => [c[0], c[3]]));
    const kept = new Set<string>();
    for (const name of stored.keys()) if (covered(name)) kept.add(name);
    for (const [alias, target] of seg.aliases) if (stored.has(target) && covered(alias)) kept.add(target);
    keep.set(seg.id, kept);
    for (const name of kept) cols.add(stored.get(name)!);
  }
  // A mapping's null_value is read from the raw JSON of each event: needed when its field is read.
  const kept = [...keep.values()];
  const nullValueRead = mappings.some((m) => Object.keys(m.summary.nullValues).some((f) => covered(f) || kept.some((k) => k.has(f))));
  const columns = [...cols].filter((c) => info.columns.has(c)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return { keep, columns, raw: fields.raw || nullValueRead };
}

/** Most `_seq` values per second-phase request (ClickHouse's max_query_size is 256 KiB). */
const SEQ_CHUNK = 5000;

/** Runs an EQL plan in two phases; the response equals `runEql` on the same files loaded locally. */
export async function runEqlTwoPhase(scope: PlanScope, target: Target, plan: QueryPlan, query: string, opts: EqlOptions, remote: RemoteOptions, fields: PlanFields, mappings: KnownMapping[]): Promise<EqlResponse> {
  const { conn, info, ctx, pred, req } = scope;
  const started = performance.now();
  const events = ident(tables(target.dataset).events);
  const extra = [opts.timestampField ?? "@timestamp", ...(opts.tiebreakerField ? [opts.tiebreakerField] : []), ...(mappings.some((m) => m.index !== undefined) ? ["_index", "source"] : [])];
  const matcher = matcherColumns(info, fields, extra, mappings);

  // Phase 1: the selected events with the matcher's columns only.
  const select = ["_seq", "_ts", "_segment", ...(matcher.raw ? ["_raw"] : []), ...matcher.columns].map(ident).join(", ");
  const selection = [whereLoaded(info), ...(pred ? [`(${pred.sql})`] : [])].join(" AND ");
  const keys = candidateKeyFilter(plan, ctx, opts, mappings.length > 0, events, selection);
  const sql = `SELECT ${select} FROM ${events} WHERE ${selection}${keys ? ` AND ${keys}` : ""} ORDER BY _seq`;
  remote.onSql?.(sql, pred, "match");
  const narrow = rebuildDataset(info, await conn.rows(sql, req), { keep: (seg: SegmentMeta) => matcher.keep.get(seg.id)!, raw: matcher.raw });
  for (const m of mappings) applyMapping(narrow, m.text, m.index === undefined ? {} : { index: m.index });

  // The engine's run, as `runEql` does it on a whole rebuild.
  checkedUnknownFields(narrow, plan, query, opts);
  const size = eqlResponseSize(opts);
  const stream = executePlan(narrow, plan, eqlExecContext(narrow, { ...opts, size }));
  const fromEnd = eqlCapsFromEnd(plan);

  // Phase 2: the complete events of the hits the response shows (the engine's shaping, run once
  // to list them and once with the complete events).
  const shown: EventRef[] = [];
  shapeEqlHits(stream, size, fromEnd, (seg, row) => (shown.push({ seg, row }), { missing: true }));
  const hit = await completeHits(scope, target, narrow, shown, mappings, remote, opts.indexName);
  const hits = shapeEqlHits(stream, size, fromEnd, (seg, row) => hit({ seg, row }));
  return { is_partial: false, is_running: false, took: Math.round(performance.now() - started), timed_out: false, hits };
}

/** Fetches the shown events whole and returns each one's hit, built from the complete event. */
async function completeHits(
  scope: PlanScope,
  target: Target,
  narrow: Dataset,
  shown: EventRef[],
  mappings: KnownMapping[],
  remote: RemoteOptions,
  indexName: EqlOptions["indexName"],
): Promise<(ref: EventRef) => EqlHit> {
  const { conn, info, req } = scope;
  const seqs = [...new Set(shown.map((r) => narrow.segments[r.seg]!.seq[r.row]!))].sort((a, b) => a - b);
  if (seqs.length === 0) return () => ({ missing: true });
  const segIds = new Set(shown.map((r) => info.segments[r.seg]!.id));
  const cols = eventColumns(info, segIds).map(ident).join(", ");
  const events = ident(tables(target.dataset).events);
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < seqs.length; i += SEQ_CHUNK) {
    const list = seqs.slice(i, i + SEQ_CHUNK).map((s) => literal(s)).join(", ");
    const sql = `SELECT ${cols} FROM ${events} PREWHERE _seq IN (${list}) WHERE ${whereLoaded(info)} ORDER BY _seq`;
    remote.onSql?.(sql, null, "hits");
    for (const r of await conn.rows(sql, req)) rows.push(r);
  }
  const full = rebuildDataset(info, rows);
  for (const m of mappings) {
    // The segments the mapping applied to in the narrow run (decided by their first selected events).
    const segmentIds = m.index === undefined ? undefined : narrow.segments.filter((s) => segmentIndex(s) === m.index).map((s) => s.id);
    applyMapping(full, m.text, segmentIds === undefined ? {} : { segmentIds });
  }
  const rowOf = full.segments.map((seg) => {
    const m = new Map<number, number>();
    for (let r = 0; r < seg.rowCount; r++) m.set(seg.seq[r]!, r);
    return m;
  });
  return (ref) => {
    const seq = narrow.segments[ref.seg]!.seq[ref.row]!;
    const row = rowOf[ref.seg]!.get(seq);
    if (row === undefined) throw new Error(`event ${seq} of the result was not found on the server (was the dataset reloaded during the query?)`);
    return eventHit(full, ref.seg, row, indexName);
  };
}
