/**
 * The pivot view (an entity summary) counted in ClickHouse: which events are about the entity is
 * decided by the engine's own tests on the distinct values of the columns involved (see
 * `matchingRows`), then GROUP BYs count events per segment (events, sourcetypes, first/last
 * seen), per value of each related group (first value of the group's column, as the engine's
 * value coder reads it), per peer pair, per activity bucket, and the latest events come back by
 * (time, seq). The engine's `pivotSummaryOf` ranks, cuts and decodes the counts as locally.
 * Lookup tables live in the tab, not on the server: no asset/identity enrichment here.
 */
import {
  PIVOT_RELATED,
  VIEW_FIELDS,
  baseName,
  logicalColumn,
  pivotSummaryOf,
  userKey,
  type EntityRef,
  type PivotEvent,
  type PivotRequest,
  type PivotSummary,
} from "@quarry/engine";
import type { Target } from "./layout.ts";
import { literal } from "./sql.ts";
import { codedText, columnsNamed, exactNumber, fieldFirst, firstSql, inSegments, perSegment, type SegmentColumns } from "./views-columns.ts";
import { and, baseWhere, boundsOf, hostPredicate, matchingRows, viewRows, withViewRun, ViewRequestError, type ViewRun, type ViewRunOptions } from "./views-scope.ts";

const RAW_CHARS = 400;
const BUCKETS = 48;
const KINDS = ["host", "user", "process", "ip"];

/** An entity summary of a ClickHouse dataset; equals the engine's `pivot` (without lookups) on the same files loaded locally. */
export async function pivotRemote(target: Target, req: PivotRequest, opts: ViewRunOptions = {}): Promise<PivotSummary> {
  const entity = req.entity;
  if (!entity || !KINDS.includes(entity.kind) || typeof entity.value !== "string") throw new ViewRequestError("entity must be {kind: host|user|process|ip, value}");
  for (const [k, v] of [["top", req.top], ["recent", req.recent]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 1000)) throw new ViewRequestError(`${k} must be a whole number from 0 to 1000`);
  }
  const bounds = boundsOf(req);
  return withViewRun(target, opts, async (run) => {
    const base = baseWhere(run.info, bounds);
    const onHost = entity.kind === "process" && entity.host ? await hostPredicate(run, entity.host, base) : null;
    const scope = [...base, ...(onHost ? [onHost] : [])];
    const match = await entityRows(run, entity, scope);
    const hits = [...scope, match];
    const perSegmentRows = await viewRows<{ s: number; n: string; f: number | null; l: number | null }>(
      run,
      `SELECT _segment AS s, count() AS n, min(_ts) AS f, max(_ts) AS l FROM ${run.events} WHERE ${and(hits)} GROUP BY s ORDER BY s`,
    );
    let events = 0;
    let first = Infinity;
    let last = -Infinity;
    const sourcetypes = new Map<string, number>();
    for (const r of perSegmentRows) {
      const n = Number(r.n);
      events += n;
      const st = run.layout.sourcetype(Number(r.s));
      sourcetypes.set(st, (sourcetypes.get(st) ?? 0) + n);
      if (r.f !== null && r.f < first) first = r.f;
      if (r.l !== null && r.l > last) last = r.l;
    }
    const groups = await relatedCounts(run, entity, scope, hits);
    const hasTime = Number.isFinite(first);
    return pivotSummaryOf(
      {
        entity,
        events,
        first,
        last,
        sourcetypes,
        groups,
        hostIps: new Set(),
        activity: hasTime ? await activity(run, hits, first, last) : { start: 0, interval: 0, counts: [] },
        recent: await recent(run, hits, req.recent ?? 20),
      },
      req.top === undefined ? {} : { top: req.top },
    );
  });
}

/** The rows about the entity, as the engine's pivot `matcher` decides them. */
function entityRows(run: ViewRun, e: EntityRef, scope: string[]): Promise<string> {
  const { layout } = run;
  switch (e.kind) {
    case "host": {
      const want = e.value.toLowerCase();
      return matchingRows(run, layout.columnLists((seg) => columnsNamed(seg, VIEW_FIELDS.host)), (v) => v.toLowerCase() === want, scope);
    }
    case "ip": {
      // Text values equal to the address are decided in SQL; numbers are left to the test.
      const narrow = (x: string) => `NOT startsWith(${x}, 's') OR ${x} = ${literal("s" + e.value)}`;
      return matchingRows(run, layout.columnLists((seg) => columnsNamed(seg, [...VIEW_FIELDS.srcIp, ...VIEW_FIELDS.destIp])), (v) => v === e.value, scope, narrow);
    }
    case "user": {
      const want = userKey(e.value);
      return matchingRows(run, layout.columnLists((seg) => columnsNamed(seg, VIEW_FIELDS.user)), (v) => userKey(v) === want, scope);
    }
    case "process": {
      if (/^\d+$/.test(e.value)) {
        const pid = Number(e.value);
        // Plain digits are read alike by SQL and JavaScript; anything else (padding, hex, exponents) goes to the test.
        const narrow = Number.isSafeInteger(pid) ? (x: string) => `NOT match(${x}, '^[ns][0-9]{1,15}$') OR toUInt64OrNull(substring(${x}, 2)) = ${literal(pid)}` : undefined;
        const test = (v: string) => Number(v) === pid || (/^0x/i.test(v) && parseInt(v, 16) === pid);
        return matchingRows(run, layout.columns((seg) => logicalColumn(seg, "pid")), test, scope, narrow);
      }
      return nameRows(run, e.value, "name", "image", scope);
    }
  }
}

/** Rows whose process (or parent process) basename is `name`, case-insensitively. */
function nameRows(run: ViewRun, name: string, nameField: "name" | "parentName", pathField: "image" | "parentImage", scope: string[]): Promise<string> {
  const want = name.toLowerCase();
  const cols = run.layout.columnLists((seg) => [logicalColumn(seg, nameField), logicalColumn(seg, pathField)]);
  return matchingRows(run, cols, (v) => baseName(v).toLowerCase() === want, scope);
}

/** Counts per value of each related group of the entity kind, coded as the engine's pivot codes them. */
async function relatedCounts(run: ViewRun, e: EntityRef, scope: string[], hits: string[]): Promise<Array<{ values: string[]; counts: number[] }>> {
  const { layout } = run;
  const specs = PIVOT_RELATED[e.kind];
  const coders = specs.map((g) => new Coded(g.name ? (s) => baseName(s).toLowerCase() : g.kind === "user" ? (s) => s.toLowerCase() : null));
  const nameOr = (seg: Parameters<typeof logicalColumn>[0], name: "name" | "parentName", path: "image" | "parentImage") => logicalColumn(seg, name) ?? logicalColumn(seg, path);
  const columnOfGroup = (field: string): SegmentColumns =>
    layout.columns((seg) => (field === "image" ? nameOr(seg, "name", "image") : field === "parentImage" ? nameOr(seg, "parentName", "parentImage") : logicalColumn(seg, field as Parameters<typeof logicalColumn>[1])));
  const plain = specs.map((g, i) => ({ g, i })).filter(({ g }) => g.field !== "peer" && g.field !== "children");
  if (plain.length > 0) {
    const tuples = plain.map(({ g, i }) => `tuple(${literal(i)}, ${fieldFirst(columnOfGroup(g.field))})`).join(", ");
    const rows = await viewRows<{ gi: number; v: string; n: string }>(
      run,
      `SELECT t.1 AS gi, t.2 AS v, count() AS n FROM (SELECT arrayJoin([${tuples}]) AS t FROM ${run.events} WHERE ${and(hits)}) WHERE isNotNull(v) GROUP BY gi, v`,
    );
    for (const r of rows) coders[Number(r.gi)]!.add(codedText(r.v), Number(r.n));
  }
  const children = specs.findIndex((g) => g.field === "children");
  if (children >= 0 && !/^\d+$/.test(e.value)) {
    // Children: processes whose parent is the named entity, whether or not they match it themselves.
    const parentOf = await nameRows(run, e.value, "parentName", "parentImage", scope);
    const rows = await viewRows<{ v: string; n: string }>(run, `SELECT ${fieldFirst(columnOfGroup("image"))} AS v, count() AS n FROM ${run.events} WHERE ${and([...scope, parentOf])} AND isNotNull(v) GROUP BY v`);
    for (const r of rows) coders[children]!.add(codedText(r.v), Number(r.n));
  }
  const peers = specs.findIndex((g) => g.field === "peer");
  if (peers >= 0) {
    // An IP's peers: the other end of each event it is one end of.
    const src = layout.columns((seg) => logicalColumn(seg, "srcIp"));
    const dst = layout.columns((seg) => logicalColumn(seg, "destIp"));
    const both = layout.segmentIds((seg) => !!logicalColumn(seg, "srcIp") && !!logicalColumn(seg, "destIp"));
    const rows = await viewRows<{ s: string | null; d: string | null; n: string }>(
      run,
      `SELECT ${fieldFirst(src)} AS s, ${fieldFirst(dst)} AS d, count() AS n FROM ${run.events} WHERE ${and([...hits, inSegments(both)])} GROUP BY s, d`,
    );
    for (const r of rows) {
      const s = codedText(r.s);
      const d = codedText(r.d);
      if (s === e.value) coders[peers]!.add(d, Number(r.n));
      else if (d === e.value) coders[peers]!.add(s, Number(r.n));
    }
  }
  return coders.map((c) => ({ values: c.values, counts: c.counts }));
}

/** Values coded by first addition (0 = absent, after the transform) with their counts. */
class Coded {
  readonly values: string[] = [""];
  readonly counts: number[] = [0];
  private readonly index = new Map<string, number>();
  constructor(private readonly transform: ((s: string) => string) | null) {}

  add(text: string | null, n: number): void {
    if (text === null) return;
    const t = this.transform ? this.transform(text) : text;
    if (t === "") return;
    let c = this.index.get(t);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(t);
      this.counts.push(0);
      this.index.set(t, c);
    }
    this.counts[c]! += n;
  }
}

/** Events per bucket between first and last, bucketed in SQL with the engine's arithmetic (IEEE doubles both sides). */
async function activity(run: ViewRun, hits: string[], first: number, last: number): Promise<PivotSummary["activity"]> {
  const n = BUCKETS;
  const interval = Math.max(1, Math.ceil((last - first + 1) / n));
  const rows = await viewRows<{ b: string; c: string }>(
    run,
    `SELECT least(${n - 1}, toUInt64(floor((_ts - ${exactNumber(first)}) / ${exactNumber(interval)}))) AS b, count() AS c FROM ${run.events} WHERE ${and([...hits, "isNotNull(_ts)"])} GROUP BY b`,
  );
  const counts = new Array<number>(n).fill(0);
  for (const r of rows) counts[Number(r.b)] = Number(r.c);
  return { start: first, interval, counts };
}

/** The latest `n` events by (time, seq), newest first; untimed events last. */
async function recent(run: ViewRun, hits: string[], n: number): Promise<PivotEvent[]> {
  if (n === 0) return [];
  const { layout } = run;
  // The engine lists the host of a text host column only.
  const strHost = layout.columns((seg) => {
    const c = logicalColumn(seg, "host");
    return c && c.kind === "str" ? c : undefined;
  });
  const host = perSegment(strHost, firstSql, "CAST(NULL AS Nullable(String))");
  const rows = await viewRows<{ seq: string; s: number; t: number | null; raw: string; h: string | null }>(
    run,
    `SELECT _seq AS seq, _segment AS s, _ts AS t, _raw AS raw, ${host} AS h FROM ${run.events} WHERE ${and(hits)} ORDER BY isNull(_ts), _ts DESC, _seq DESC LIMIT ${literal(n)}`,
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    time: r.t === null ? null : Number(r.t),
    sourcetype: layout.sourcetype(Number(r.s)),
    host: codedText(r.h) || null,
    raw: r.raw.length > RAW_CHARS ? r.raw.slice(0, RAW_CHARS) + "…" : r.raw,
  }));
}
