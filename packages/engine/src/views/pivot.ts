import type { Dataset } from "../store/dataset.ts";
import { columnOf } from "../store/dataset.ts";
import { sliceValue } from "../store/slice.ts";
import type { Column, Segment } from "../store/types.ts";
import type { Enrichment, LookupStore } from "../lookups/store.ts";
import { decodePowerShellCommandLine } from "../decode/powershell.ts";
import { baseName, FIELDS, logicalColumn, ValueCoder, type LogicalField } from "./fields.ts";
import { BATCH_ROWS, scopedSegments, type ViewScope } from "./scope.ts";

/** The kinds of entity an analyst pivots on. */
export type EntityKind = "host" | "user" | "process" | "ip";

/** One entity: a host, user, IP, or a process by name (or by pid on a host). */
export interface EntityRef {
  kind: EntityKind;
  value: string;
  /** For a process given by pid: the host it ran on. */
  host?: string | null;
}

/** What a related entity group holds, so the UI knows how to pivot on an item. */
export type RelatedKind = EntityKind | "port" | "sourcetype" | "commandLine";

export interface RelatedItem {
  value: string;
  count: number;
  enrichment: Enrichment | null;
  /** For command lines with a PowerShell -enc payload: the line with the payload decoded. */
  decoded?: string;
}

/** Top values of one kind of related entity. */
export interface RelatedGroup {
  title: string;
  kind: RelatedKind;
  items: RelatedItem[];
  /** Distinct values found (items holds the top ones). */
  distinct: number;
}

/** A recent event, enough to list it. */
export interface PivotEvent {
  seq: number;
  time: number | null;
  sourcetype: string;
  host: string | null;
  raw: string;
}

/** Everything the pivot view shows about an entity. */
export interface PivotSummary {
  entity: EntityRef;
  events: number;
  first: number | null;
  last: number | null;
  /** Events per bucket between first and last. */
  activity: { start: number; interval: number; counts: number[] };
  sourcetypes: RelatedItem[];
  related: RelatedGroup[];
  recent: PivotEvent[];
  enrichment: Enrichment | null;
}

export interface PivotOptions {
  lookups?: LookupStore | null;
  /** Items per related group (default 10). */
  top?: number;
  /** Recent events listed (default 20). */
  recent?: number;
  /** Activity buckets (default 48). */
  buckets?: number;
}

const RAW_CHARS = 400;

/** What to count for each entity kind: [title, kind, fields (first present wins, or "peer"), name transform]. */
export const RELATED: Record<EntityKind, Array<{ title: string; kind: RelatedKind; field: LogicalField | "peer" | "children"; name?: boolean }>> = {
  host: [
    { title: "Users", kind: "user", field: "user" },
    { title: "Processes", kind: "process", field: "image", name: true },
    { title: "Outbound IPs", kind: "ip", field: "destIp" },
    { title: "Destination ports", kind: "port", field: "destPort" },
    { title: "Source IPs", kind: "ip", field: "srcIp" },
  ],
  user: [
    { title: "Hosts", kind: "host", field: "host" },
    { title: "Processes", kind: "process", field: "image", name: true },
    { title: "Source IPs", kind: "ip", field: "srcIp" },
    { title: "Destination IPs", kind: "ip", field: "destIp" },
  ],
  process: [
    { title: "Hosts", kind: "host", field: "host" },
    { title: "Users", kind: "user", field: "user" },
    { title: "Parent processes", kind: "process", field: "parentImage", name: true },
    { title: "Child processes", kind: "process", field: "children", name: true },
    { title: "Command lines", kind: "commandLine", field: "commandLine" },
    { title: "Destination IPs", kind: "ip", field: "destIp" },
    { title: "Destination ports", kind: "port", field: "destPort" },
  ],
  ip: [
    { title: "Peers", kind: "ip", field: "peer" },
    { title: "Destination ports", kind: "port", field: "destPort" },
    { title: "Hosts", kind: "host", field: "host" },
    { title: "Users", kind: "user", field: "user" },
  ],
};

/**
 * Summarises an entity in the spirit of SA-Investigator: counts, first/last seen, activity over
 * time, related entities (each a pivot) and the latest events, enriched from asset/identity lookups.
 */
export function pivot(ds: Dataset, entity: EntityRef, scope: ViewScope = {}, opts: PivotOptions = {}): PivotSummary {
  const groups = RELATED[entity.kind].map((g) => ({ ...g, coder: new ValueCoder(g.name ? (s: string) => baseName(s).toLowerCase() : g.kind === "user" ? lowerCase : null), counts: [0] as number[] }));
  const st = new Map<string, number>();
  const matched: Array<{ seg: Segment; rows: Uint32Array }> = [];
  let events = 0;
  let first = Infinity;
  let last = -Infinity;
  const childScope = entity.kind === "process" && !/^\d+$/.test(entity.value);
  const hostIps = new Set<string>();
  if (entity.kind === "host") {
    const asset = opts.lookups?.host(entity.value);
    for (const k of ["ip", "ip_address", "address"]) for (const v of (asset?.fields[k] ?? "").split("|")) if (looksLikeIp(v.trim())) hostIps.add(v.trim());
  }
  for (const { seg, rows } of scopedSegments(ds, entity.kind === "process" && entity.host ? { ...scope, host: entity.host } : scope)) {
    const match = matcher(seg, entity, hostIps);
    const childMatch = childScope ? parentMatcher(seg, entity.value) : null;
    if (!match && !childMatch) continue;
    const hits: number[] = [];
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      scope.cancel?.();
      const end = Math.min(rows.length, start + BATCH_ROWS);
      for (let i = start; i < end; i++) {
        const r = rows[i];
        if (childMatch && childMatch(r)) countRow(groups.find((g) => g.field === "children")!, seg, r, "image");
        if (!match || !match(r)) continue;
        hits.push(r);
      }
    }
    if (hits.length === 0) continue;
    const hitRows = Uint32Array.from(hits);
    matched.push({ seg, rows: hitRows });
    events += hitRows.length;
    st.set(seg.sourcetype, (st.get(seg.sourcetype) ?? 0) + hitRows.length);
    for (let i = 0; i < hitRows.length; i++) {
      const t = seg.time[hitRows[i]];
      if (t < first) first = t;
      if (t > last) last = t;
    }
    for (const g of groups) {
      if (g.field === "children") continue;
      if (g.field === "peer") {
        countPeers(g, seg, hitRows, entity.value);
        continue;
      }
      const col = g.field === "image" ? (logicalColumn(seg, "name") ?? logicalColumn(seg, "image")) : g.field === "parentImage" ? (logicalColumn(seg, "parentName") ?? logicalColumn(seg, "parentImage")) : logicalColumn(seg, g.field);
      if (!col) continue;
      const codes = g.coder.codes(col, hitRows);
      for (let i = 0; i < codes.length; i++) bump(g.counts, codes[i]);
    }
  }
  const hasTime = Number.isFinite(first);
  return pivotSummaryOf(
    {
      entity,
      events,
      first,
      last,
      sourcetypes: st,
      groups: groups.map((g) => ({ values: g.coder.values, counts: g.counts })),
      hostIps,
      activity: hasTime ? activity(matched, first, last, opts.buckets ?? 48) : { start: 0, interval: 0, counts: [] },
      recent: recent(matched, opts.recent ?? 20),
    },
    opts,
  );
}

/** What a pivot counted, before ranking and enrichment (also for backends that count elsewhere). */
export interface PivotCounts {
  entity: EntityRef;
  events: number;
  /** Earliest and latest event time; Infinity / -Infinity when no event has one. */
  first: number;
  last: number;
  /** Events per sourcetype, in first-seen order. */
  sourcetypes: ReadonlyMap<string, number>;
  /** For each `RELATED[entity.kind]` group: values by code (code 0 = absent) and counts by code. */
  groups: ReadonlyArray<{ values: readonly string[]; counts: readonly number[] }>;
  /** The host's own addresses (from its asset row), left out of IP groups. */
  hostIps: ReadonlySet<string>;
  activity: PivotSummary["activity"];
  recent: PivotEvent[];
}

/** Ranks the related values (top per group), decodes command lines and enriches: the pivot summary. */
export function pivotSummaryOf(c: PivotCounts, opts: PivotOptions = {}): PivotSummary {
  const { entity, first, last, hostIps } = c;
  const top = opts.top ?? 10;
  const lookups = opts.lookups ?? null;
  const enrich = (kind: RelatedKind, value: string): Enrichment | null =>
    !lookups ? null : kind === "host" ? lookups.host(value) : kind === "ip" ? lookups.ip(value) : kind === "user" ? lookups.user(value) : null;
  const related: RelatedGroup[] = RELATED[entity.kind].map((g, gi) => {
    const { values, counts } = c.groups[gi];
    const items: RelatedItem[] = [];
    for (let code = 1; code < counts.length; code++) {
      if (counts[code] === 0) continue;
      const value = values[code];
      // CIM `src`/`dest` also hold host names (Windows Security); IP groups list addresses only, and not the host's own.
      if (g.kind === "ip" && (!looksLikeIp(value) || hostIps.has(value))) continue;
      items.push({ value, count: counts[code], enrichment: null });
    }
    items.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const shown = items.slice(0, top);
    for (const it of shown) {
      it.enrichment = enrich(g.kind, it.value);
      if (g.kind === "commandLine") {
        const d = decodePowerShellCommandLine(it.value);
        if (d !== null) it.decoded = d;
      }
    }
    return { title: g.title, kind: g.kind, items: shown, distinct: items.length };
  });
  const hasTime = Number.isFinite(first);
  return {
    entity,
    events: c.events,
    first: hasTime ? first : null,
    last: hasTime ? last : null,
    activity: c.activity,
    sourcetypes: [...c.sourcetypes].sort((a, b) => b[1] - a[1]).map(([value, count]) => ({ value, count, enrichment: null })),
    related,
    recent: c.recent,
    enrichment: entity.kind === "process" ? null : enrich(entity.kind, entity.value),
  };
}

function bump(counts: number[], code: number): void {
  if (code === 0) return;
  while (counts.length <= code) counts.push(0);
  counts[code]++;
}

function countRow(g: { coder: ValueCoder; counts: number[] }, seg: Segment, row: number, field: LogicalField): void {
  const col = logicalColumn(seg, "name") ?? logicalColumn(seg, field);
  if (col) bump(g.counts, g.coder.codes(col, Uint32Array.of(row))[0]);
}

/** An IP's peers: the other end of each event it is one end of. */
function countPeers(g: { coder: ValueCoder; counts: number[] }, seg: Segment, rows: Uint32Array, ip: string): void {
  const src = logicalColumn(seg, "srcIp");
  const dst = logicalColumn(seg, "destIp");
  if (!src || !dst) return;
  const s = g.coder.codes(src, rows);
  const d = g.coder.codes(dst, rows);
  const self = g.coder.code(ip);
  for (let i = 0; i < rows.length; i++) {
    if (s[i] === self) bump(g.counts, d[i]);
    else if (d[i] === self) bump(g.counts, s[i]);
  }
}

/** Every column of a segment that any of `names` resolves to, without duplicates. */
function columnsOf(seg: Segment, names: readonly string[]): Column[] {
  const out: Column[] = [];
  for (const n of names) {
    const c = columnOf(seg, n);
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
}

/** A row test for "this event is about the entity", or null when the segment cannot match. */
function matcher(seg: Segment, e: EntityRef, hostIps: ReadonlySet<string>): ((row: number) => boolean) | null {
  switch (e.kind) {
    case "host": {
      const want = e.value.toLowerCase();
      const byName = anyOf(columnsOf(seg, FIELDS.host), (v) => v.toLowerCase() === want);
      // Network sensors name hosts by address: with the host's IPs from the asset table, its flows count too.
      const byIp = hostIps.size > 0 ? anyOf(columnsOf(seg, [...FIELDS.srcIp, ...FIELDS.destIp]), (v) => hostIps.has(v)) : null;
      return byName && byIp ? (r) => byName(r) || byIp(r) : (byName ?? byIp);
    }
    case "ip":
      return anyOf(columnsOf(seg, [...FIELDS.srcIp, ...FIELDS.destIp]), (v) => v === e.value);
    case "user": {
      const want = userKey(e.value);
      return anyOf(columnsOf(seg, FIELDS.user), (v) => userKey(v) === want);
    }
    case "process": {
      if (/^\d+$/.test(e.value)) {
        const pid = Number(e.value);
        const col = logicalColumn(seg, "pid");
        return col ? anyOf([col], (v) => Number(v) === pid || (/^0x/i.test(v) && parseInt(v, 16) === pid)) : null;
      }
      const want = e.value.toLowerCase();
      const cols = [logicalColumn(seg, "name"), logicalColumn(seg, "image")].filter((c): c is Column => !!c);
      return anyOf(cols, (v) => baseName(v).toLowerCase() === want);
    }
  }
}

/** Rows whose parent process is named `name`: their processes are the entity's children. */
function parentMatcher(seg: Segment, name: string): ((row: number) => boolean) | null {
  const want = name.toLowerCase();
  const cols = [logicalColumn(seg, "parentName"), logicalColumn(seg, "parentImage")].filter((c): c is Column => !!c);
  return anyOf(cols, (v) => baseName(v).toLowerCase() === want);
}

/** DOMAIN\\user, user@domain and user are one user. */
export function userKey(v: string): string {
  let s = v.trim().toLowerCase();
  const slash = s.lastIndexOf("\\");
  if (slash >= 0) s = s.slice(slash + 1);
  const at = s.indexOf("@");
  if (at > 0) s = s.slice(0, at);
  return s;
}

/** A row test that is true when any value of any column satisfies `ok`, evaluated once per distinct value. */
function anyOf(cols: Column[], ok: (value: string) => boolean): ((row: number) => boolean) | null {
  const tests: Array<(row: number) => boolean> = [];
  for (const col of cols) {
    switch (col.kind) {
      case "str": {
        const t = tableOf(col.dict.values, ok);
        if (t) tests.push((r) => t[col.ids[r]] === 1);
        break;
      }
      case "multi": {
        const t = tableOf(col.dict.values, ok);
        if (t)
          tests.push((r) => {
            for (let i = col.offsets[r]; i < col.offsets[r + 1]; i++) if (t[col.ids[i]] === 1) return true;
            return false;
          });
        break;
      }
      case "slice":
        tests.push((r) => {
          const v = sliceValue(col, r);
          return v !== null && ok(v);
        });
        break;
      case "num": {
        const cache = new Map<number, boolean>();
        tests.push((r) => {
          const v = col.values[r];
          if (Number.isNaN(v)) return false;
          let hit = cache.get(v);
          if (hit === undefined) cache.set(v, (hit = ok(String(v))));
          return hit;
        });
        break;
      }
    }
  }
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0];
  return (r) => tests.some((t) => t(r));
}

function tableOf(values: string[], ok: (v: string) => boolean): Uint8Array | null {
  const t = new Uint8Array(values.length);
  let any = false;
  for (let id = 1; id < values.length; id++) {
    if (ok(values[id])) {
      t[id] = 1;
      any = true;
    }
  }
  return any ? t : null;
}

function activity(parts: Array<{ seg: Segment; rows: Uint32Array }>, first: number, last: number, buckets: number): PivotSummary["activity"] {
  const n = Math.max(1, buckets);
  const interval = Math.max(1, Math.ceil((last - first + 1) / n));
  const counts = new Array<number>(n).fill(0);
  for (const { seg, rows } of parts) {
    for (let i = 0; i < rows.length; i++) {
      const t = seg.time[rows[i]];
      if (Number.isNaN(t)) continue;
      counts[Math.min(n - 1, Math.floor((t - first) / interval))]++;
    }
  }
  return { start: first, interval, counts };
}

/** The latest `n` events by (time, seq), newest first. */
function recent(parts: Array<{ seg: Segment; rows: Uint32Array }>, n: number): PivotEvent[] {
  const cands: Array<{ seg: Segment; row: number }> = [];
  for (const { seg, rows } of parts) for (let i = Math.max(0, rows.length - n); i < rows.length; i++) cands.push({ seg, row: rows[i] });
  const t = (c: { seg: Segment; row: number }) => (Number.isNaN(c.seg.time[c.row]) ? -Infinity : c.seg.time[c.row]);
  cands.sort((a, b) => t(b) - t(a) || b.seg.seq[b.row] - a.seg.seq[a.row]);
  return cands.slice(0, n).map(({ seg, row }) => {
    const host = logicalColumn(seg, "host");
    const h = host && host.kind === "str" ? host.dict.values[host.ids[row]] || null : null;
    const raw = seg.raw[row];
    return {
      seq: seg.seq[row],
      time: Number.isNaN(seg.time[row]) ? null : seg.time[row],
      sourcetype: seg.sourcetype,
      host: h,
      raw: raw.length > RAW_CHARS ? raw.slice(0, RAW_CHARS) + "…" : raw,
    };
  });
}

/** IPv4 dotted quad or an IPv6 address (hex groups with colons). */
export function looksLikeIp(v: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(v) || (/^[0-9a-f:.]+$/i.test(v) && v.includes(":") && v.length > 2);
}

/** Windows writes one account as FROTHLY\\service3 and frothly\\service3: users group case-insensitively. */
function lowerCase(s: string): string {
  return s.toLowerCase();
}
