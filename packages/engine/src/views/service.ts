import type { Dataset } from "../store/dataset.ts";
import type { SegmentRows } from "../exec/field-stats.ts";
import { autoDecode, decodeAs, type Decoding, type DecodeMethod } from "../decode/auto.ts";
import { LookupStore, type Enrichment, type LookupRole } from "../lookups/store.ts";
import { registerLookup, removeLookup } from "../exec/spl/lookups.ts";
import type { ViewRef } from "../worker/protocol.ts";
import type { Expr } from "../lang/plan.ts";
import { FilterContext, selectRows } from "../exec/filter.ts";
import { pivot, type EntityRef, type PivotSummary } from "./pivot.ts";
import { processTree, processTreeForEvent, type ProcessTree } from "./process-tree.ts";
import { fieldSankey, processSankey, type SankeyResult } from "./sankey.ts";
import type { RowSelection, ViewScope } from "./scope.ts";

/** What the views need from the engine core: the dataset and the rows of a view. */
export interface ViewsHost {
  readonly dataset: Dataset;
  rowsOf(view: ViewRef | undefined): SegmentRows[];
}

/** Time bounds of a view request (ms; earliest inclusive, latest exclusive). */
export interface TimeBounds {
  earliest?: number | null;
  latest?: number | null;
}

export type SankeyRequest = TimeBounds & {
  view?: ViewRef;
  /** A filter (plan expression) the events must match, e.g. built from a clicked node. */
  where?: Expr;
  host?: string | null;
  maxFlows?: number;
} & ({ mode: "process"; focus?: string | null } | { mode: "fields"; source: string; target: string });

export type ProcessTreeRequest = TimeBounds & {
  host?: string | null;
  /** "Show in tree" for this event instead of a whole host. */
  seq?: number | null;
  maxProcesses?: number;
};

export type PivotRequest = TimeBounds & { entity: EntityRef; top?: number; recent?: number };

export interface DecodeRequest {
  text: string;
  /** One method, or every readable decoding ("auto", the default). */
  method?: DecodeMethod;
}

/** A lookup table as the app lists it. */
export interface LookupInfo {
  name: string;
  role: LookupRole;
  fields: string[];
  rows: number;
  problems: Array<{ line: number; reason: string }>;
}

export type LookupsRequest = { add?: { name: string; csv: string; role?: LookupRole }; remove?: string };

export interface EnrichRequest {
  hosts?: string[];
  ips?: string[];
  users?: string[];
}

/** Enrichments by value; values without a row are left out. */
export interface EnrichResult {
  hosts: Record<string, Enrichment>;
  ips: Record<string, Enrichment>;
  users: Record<string, Enrichment>;
}

/** Most values enriched in one call. */
const MAX_ENRICH = 5000;

/**
 * The analyst views behind the worker protocol: Sankey, process tree, pivots, decoding and
 * lookups over the core's dataset and views. The lookup tables live here, one store per core.
 */
export class ViewsService {
  readonly lookups = new LookupStore();
  private readonly csv = new Map<string, string>();
  private sharedWith: Dataset | null = null;

  constructor(private readonly host: ViewsHost) {}

  /** A Sankey of the current view (or a host), process chains or two fields. */
  sankey(req: SankeyRequest, cancel?: () => void): SankeyResult {
    const scope = this.scope(req.view, req, req.host ?? null, cancel, req.where);
    const opts = req.maxFlows ? { maxFlows: Math.min(Math.max(1, req.maxFlows), 500) } : {};
    return req.mode === "process" ? processSankey(this.host.dataset, scope, { ...opts, focus: req.focus ?? null }) : fieldSankey(this.host.dataset, scope, req.source, req.target, opts);
  }

  /** The process tree of a host and time range, or of one event ("show in tree"). */
  processTree(req: ProcessTreeRequest, cancel?: () => void): ProcessTree | null {
    const opts = req.maxProcesses ? { maxProcesses: Math.min(Math.max(1, req.maxProcesses), 50_000) } : {};
    if (req.seq !== undefined && req.seq !== null) return processTreeForEvent(this.host.dataset, req.seq, opts);
    return processTree(this.host.dataset, this.scope(undefined, req, req.host ?? null, cancel), opts);
  }

  /** An entity summary, enriched from the lookup tables. */
  pivot(req: PivotRequest, cancel?: () => void): PivotSummary {
    return pivot(this.host.dataset, req.entity, this.scope(undefined, req, null, cancel), { lookups: this.lookups, top: req.top, recent: req.recent });
  }

  /** Decodings of a text: every readable one (auto) or one method's. */
  decode(req: DecodeRequest): Decoding[] {
    const method = req.method ?? "auto";
    if (method === "auto") return autoDecode(req.text);
    const one = decodeAs(method, req.text);
    return one ? [one] : [];
  }

  /** Adds or removes a lookup table, then lists them all. */
  lookupTables(req: LookupsRequest): LookupInfo[] {
    if (req.remove) this.lookups.remove(req.remove);
    if (req.add) {
      this.lookups.add(req.add.name, req.add.csv, req.add.role);
      this.csv.set(req.add.name, req.add.csv);
      // The same table serves SPL `| lookup` and `| inputlookup`, which keep theirs per dataset.
      registerLookup(this.host.dataset, req.add.name, req.add.csv);
    }
    if (req.remove) {
      this.csv.delete(req.remove);
      removeLookup(this.host.dataset, req.remove);
    }
    this.shareWithSpl();
    return this.lookups.list().map((t) => ({ name: t.name, role: t.role, fields: t.fields, rows: t.rows.length, problems: t.problems.slice(0, 50) }));
  }

  /** Asset/identity rows for the hosts, IPs and users a panel shows. */
  enrich(req: EnrichRequest): EnrichResult {
    const out: EnrichResult = { hosts: {}, ips: {}, users: {} };
    const each = (values: string[] | undefined, f: (v: string) => Enrichment | null, into: Record<string, Enrichment>) => {
      for (const v of (values ?? []).slice(0, MAX_ENRICH)) {
        const e = f(v);
        if (e) into[v] = e;
      }
    };
    each(req.hosts, (v) => this.lookups.host(v), out.hosts);
    each(req.ips, (v) => this.lookups.ip(v), out.ips);
    each(req.users, (v) => this.lookups.user(v), out.users);
    return out;
  }

  /** The rows of every segment matching a plan expression. */
  private filter(where: Expr, cancel?: () => void): RowSelection {
    const ds = this.host.dataset;
    const ctx = new FilterContext(ds, {});
    const out = new Map<number, Uint32Array>();
    for (const seg of ds.segments) {
      cancel?.();
      const rows = selectRows(ctx, seg, where);
      if (rows.length > 0) out.set(seg.id, rows);
    }
    return out;
  }

  /** After a reset the core has a new dataset: hand it the tables again so SPL still finds them. */
  private shareWithSpl(): void {
    const ds = this.host.dataset;
    if (this.sharedWith === ds) return;
    for (const [name, text] of this.csv) registerLookup(ds, name, text);
    this.sharedWith = ds;
  }

  private scope(view: ViewRef | undefined, t: TimeBounds, host: string | null, cancel?: () => void, where?: Expr): ViewScope {
    this.shareWithSpl();
    let selection = view ? selectionOf(this.host.rowsOf(view)) : null;
    if (where) selection = intersect(this.filter(where, cancel), selection);
    return {
      selection,
      host,
      timeRange: t.earliest != null || t.latest != null ? { earliest: t.earliest ?? null, latest: t.latest ?? null } : null,
      cancel: cancel ?? null,
    };
  }
}

/** A core's rows as a selection (null when every row of every segment is in). */
function selectionOf(parts: SegmentRows[]): RowSelection | null {
  if (parts.every((p) => p.rows === null)) return null;
  const m = new Map<number, Uint32Array>();
  for (const p of parts) {
    if (p.rows === null) {
      const all = new Uint32Array(p.segment.rowCount);
      for (let i = 0; i < all.length; i++) all[i] = i;
      m.set(p.segment.id, all);
    } else {
      // Rows of a result may come in another order (sequences); the views want them ascending.
      m.set(p.segment.id, isAscending(p.rows) ? p.rows : Uint32Array.from(p.rows).sort());
    }
  }
  return m;
}

/** Rows in both selections (null = every row). */
function intersect(a: RowSelection, b: RowSelection | null): RowSelection {
  if (!b) return a;
  const out = new Map<number, Uint32Array>();
  for (const [seg, rows] of a) {
    const other = b.get(seg);
    if (!other) continue;
    const keep: number[] = [];
    let j = 0;
    for (let i = 0; i < rows.length; i++) {
      while (j < other.length && other[j] < rows[i]) j++;
      if (j < other.length && other[j] === rows[i]) keep.push(rows[i]);
    }
    if (keep.length) out.set(seg, Uint32Array.from(keep));
  }
  return out;
}

function isAscending(rows: Uint32Array): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i] < rows[i - 1]) return false;
  return true;
}

const SERVICES = new WeakMap<object, ViewsService>();

/** The views service of a core (created on first use, so the core needs no field for it). */
export function viewsOf(host: ViewsHost): ViewsService {
  let s = SERVICES.get(host);
  if (!s) {
    s = new ViewsService(host);
    SERVICES.set(host, s);
  }
  return s;
}
