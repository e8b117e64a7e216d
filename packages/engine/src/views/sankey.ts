import { columnOf } from "../store/dataset.ts";
import type { Dataset } from "../store/dataset.ts";
import { sliceValue } from "../store/slice.ts";
import type { Column, Segment } from "../store/types.ts";
import { EventKind, eventKinds } from "./event-kind.ts";
import { baseName, logicalColumn, numbersOf, ValueCoder } from "./fields.ts";
import { PairCounter, PairInterner } from "./pair-counter.ts";
import { BATCH_ROWS, scopedRows, scopedSegments, type ViewScope } from "./scope.ts";

/** A node of a Sankey diagram. */
export interface SankeyNode {
  id: number;
  /** What to draw: a field value, or "name (pid)" for processes. */
  label: string;
  /** Which column of a two-field diagram the node sits in. */
  side: "source" | "target" | "process";
  /** The value to filter or pivot on (a field value; the pid for processes). */
  value: string;
  /** The field `value` belongs to, for filter/pivot actions. */
  field: string | null;
  host: string | null;
  pid: number | null;
  /** Process name (lower-cased basename), processes only. */
  name: string | null;
  /** Events flowing in / out through the shown links. */
  in: number;
  out: number;
  /** The "other" bucket that gathers flows left out. */
  other: boolean;
}

export interface SankeyLink {
  source: number;
  target: number;
  count: number;
  other: boolean;
}

/** A Sankey diagram ready to draw, with what was left out. */
export interface SankeyResult {
  kind: "fields" | "process";
  sourceField: string;
  targetField: string;
  nodes: SankeyNode[];
  links: SankeyLink[];
  /** Events that had both ends. */
  events: number;
  /** Distinct flows found. */
  flows: number;
  shownFlows: number;
  /** Flows folded into the "other" bucket, and their events. */
  omittedFlows: number;
  omittedEvents: number;
  /** Links dropped because they closed a cycle (pid reuse), which a Sankey cannot draw. */
  cycleLinks: number;
  /** A sentence saying what was left out, or null when everything is shown. */
  note: string | null;
}

export interface SankeyOptions {
  /** Most flows drawn; the rest go to "other" (default 40). */
  maxFlows?: number;
  /**
   * Process diagrams only: keep the chains through processes whose name contains this text
   * (case-insensitive): their ancestors and descendants, so one host's noise drops away.
   */
  focus?: string | null;
}

const DEFAULT_MAX_FLOWS = 40;

/** Flows from the values of one field to the values of another (src → dest, process → dest_port) over a scope. */
export function fieldSankey(ds: Dataset, scope: ViewScope, sourceField: string, targetField: string, opts: SankeyOptions = {}): SankeyResult {
  const src = new ValueCoder();
  const dst = new ValueCoder();
  // Only segments holding both fields take part: their rows are scoped, the others are never
  // visited (the scope's row lists of a million events were a third of the bench's Sankey).
  const parts: Array<{ seg: Segment; a: Column; b: Column }> = [];
  let candidates = 0;
  for (const seg of ds.segments) {
    const a = columnOf(seg, sourceField);
    const b = columnOf(seg, targetField);
    if (!a || !b) continue;
    parts.push({ seg, a, b });
    candidates += seg.rowCount;
  }
  // Sized for the flows there can be (growing from 1024 to 50 000 flows rehashed six times).
  const pairs = new PairCounter(Math.min(candidates, 1 << 16));
  let events = 0;
  for (const { seg, a, b } of parts) {
    scope.cancel?.();
    const rows = scopedRows(seg, scope);
    if (rows.length === 0) continue;
    if (a.kind === "multi" || b.kind === "multi") {
      // Multi-value rows (DNS answers, tags) flow from every source value to every target value.
      const xa: number[] = [];
      const xb: number[] = [];
      for (let i = 0; i < rows.length; i++) {
        if (i % BATCH_ROWS === 0) scope.cancel?.();
        src.rowCodes(a, rows[i], xa);
        dst.rowCodes(b, rows[i], xb);
        if (xa.length === 0 || xb.length === 0) continue;
        for (const x of xa) for (const y of xb) pairs.add(x, y);
        events++;
      }
      continue;
    }
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      scope.cancel?.();
      const batch = rows.subarray(start, start + BATCH_ROWS);
      const ca = src.codes(a, batch);
      const cb = dst.codes(b, batch);
      for (let i = 0; i < batch.length; i++) {
        const x = ca[i];
        const y = cb[i];
        if (x === 0 || y === 0) continue;
        pairs.add(x, y);
        events++;
      }
    }
  }
  return fieldSankeyOf({ sources: src.values, targets: dst.values, pairs, events }, sourceField, targetField, opts);
}

/** Counted flows between two fields: values by code (code 0 = absent), pairs of codes (codes in first-seen order). */
export interface FieldFlows {
  sources: readonly string[];
  targets: readonly string[];
  pairs: PairCounter;
  events: number;
}

/** The two-field diagram from counted flows (also for backends that count the flows elsewhere). */
export function fieldSankeyOf(flows: FieldFlows, sourceField: string, targetField: string, opts: SankeyOptions = {}): SankeyResult {
  // Node keys: source codes even, target codes odd, so a value on both sides is two nodes.
  const seed = (key: number): NodeSeed => {
    const side = key & 1 ? "target" : "source";
    const text = (side === "source" ? flows.sources : flows.targets)[key >>> 1];
    return { label: text, side, value: text, field: side === "source" ? sourceField : targetField, host: null, pid: null, name: null };
  };
  return assemble("fields", sourceField, targetField, flows.pairs, flows.events, (a) => a * 2, (b) => b * 2 + 1, seed, opts);
}

/**
 * ParentProcessId → ProcessId flows of process-creation events, one node per (host, pid, name) so
 * pids of different hosts never merge and a reused pid with another image is another node.
 */
export function processSankey(ds: Dataset, scope: ViewScope, opts: SankeyOptions = {}): SankeyResult {
  const hosts = new ValueCoder();
  const names = new ValueCoder((s) => baseName(s).toLowerCase());
  // Display spelling of each name code, first seen wins (WmiPrvSE.exe over wmiprvse.exe).
  const spelled: Array<string | undefined> = [];
  const hostName = new PairInterner(); // (host, name) → hn
  const nodeIds = new PairInterner(); // (hn, pid) → node
  const nodeInfo: Array<{ host: number; name: number; pid: number }> = [];
  const pairs = new PairCounter(1024);
  let events = 0;
  const nodeFor = (host: number, name: number, pid: number): number => {
    const id = nodeIds.intern(hostName.intern(host, name), pid);
    if (id === nodeInfo.length) nodeInfo.push({ host, name, pid });
    return id;
  };
  const nameCodes = (seg: Parameters<typeof logicalColumn>[0], batch: Uint32Array, nameField: "name" | "parentName", pathField: "image" | "parentImage") => {
    const byName = logicalColumn(seg, nameField);
    const byPath = logicalColumn(seg, pathField);
    const out = names.codes(byName ?? byPath, batch);
    if (byName && byPath) {
      const fallback = names.codes(byPath, batch);
      for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = fallback[i];
    }
    return { out, col: byName ?? byPath };
  };
  for (const { seg, rows } of scopedSegments(ds, scope)) {
    const pidCol = logicalColumn(seg, "pid");
    const ppidCol = logicalColumn(seg, "ppid");
    if (!pidCol || !ppidCol) continue;
    const hostCol = logicalColumn(seg, "host");
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      scope.cancel?.();
      const all = rows.subarray(start, start + BATCH_ROWS);
      // Classify first, then read the other columns only for the process creations.
      const kinds = eventKinds(seg, all);
      let n = 0;
      const picked = new Uint32Array(all.length);
      for (let i = 0; i < all.length; i++) if (kinds[i] === EventKind.ProcessStart) picked[n++] = all[i];
      if (n === 0) continue;
      const batch = picked.subarray(0, n);
      const pid = numbersOf(pidCol, batch);
      const ppid = numbersOf(ppidCol, batch);
      const host = hosts.codes(hostCol, batch);
      const child = nameCodes(seg, batch, "name", "image");
      const parent = nameCodes(seg, batch, "parentName", "parentImage");
      for (let i = 0; i < batch.length; i++) {
        const p = pid[i];
        const pp = ppid[i];
        if (!(p >= 0 && p < 4294967296 && pp >= 0 && pp < 4294967296)) continue;
        const cn = child.out[i];
        const pn = parent.out[i];
        if (cn !== 0 && spelled[cn] === undefined) spelled[cn] = displayName(child.col, batch[i]) ?? names.values[cn];
        if (pn !== 0 && spelled[pn] === undefined) spelled[pn] = displayName(parent.col, batch[i]) ?? names.values[pn];
        pairs.add(nodeFor(host[i], pn, pp), nodeFor(host[i], cn, p));
        events++;
      }
    }
  }
  return processSankeyOf({ hosts: hosts.values, names: names.values, spelled, nodes: nodeInfo, pairs, events }, opts);
}

/**
 * Counted process flows: nodes (host code, name code, pid) numbered in first-seen order, pairs of
 * node ids (parent, child) with their event counts, and the texts behind the codes (code 0 = absent).
 */
export interface ProcessFlows {
  hosts: readonly string[];
  /** Lower-cased basenames by code. */
  names: readonly string[];
  /** Display spelling of each name code (first seen). */
  spelled: ReadonlyArray<string | undefined>;
  nodes: Array<{ host: number; name: number; pid: number }>;
  pairs: PairCounter;
  events: number;
}

/** The process diagram from counted flows (also for backends that count the flows elsewhere). */
export function processSankeyOf(f: ProcessFlows, opts: SankeyOptions = {}): SankeyResult {
  const { hosts, names, spelled, nodes: nodeInfo } = f;
  const seed = (id: number): NodeSeed => {
    const info = nodeInfo[id];
    const name = names[info.name] || null;
    const shown = spelled[info.name] ?? name;
    return {
      label: shown ? `${shown} (${info.pid})` : `pid ${info.pid}`,
      side: "process",
      value: String(info.pid),
      field: "process.pid",
      host: hosts[info.host] || null,
      pid: info.pid,
      name,
    };
  };
  let flows = fillNames(f.pairs, nodeInfo);
  let counted = f.events;
  const focus = opts.focus?.trim().toLowerCase();
  if (focus) {
    flows = chainsThrough(flows, (id) => (names[nodeInfo[id].name] ?? "").includes(focus));
    counted = flows.columns().count.reduce((x, y) => x + y, 0);
  }
  return assemble("process", "ParentProcessId", "ProcessId", flows, counted, (a) => a, (b) => b, seed, opts);
}

/** The flows on a path through a matching node: every flow among its ancestors and descendants. */
function chainsThrough(pairs: PairCounter, matches: (node: number) => boolean): PairCounter {
  const all = pairs.entries();
  const down = new Map<number, number[]>();
  const up = new Map<number, number[]>();
  for (const e of all) {
    (down.get(e.a) ?? down.set(e.a, []).get(e.a)!).push(e.b);
    (up.get(e.b) ?? up.set(e.b, []).get(e.b)!).push(e.a);
  }
  const seeds = new Set<number>();
  for (const e of all) {
    if (matches(e.a)) seeds.add(e.a);
    if (matches(e.b)) seeds.add(e.b);
  }
  const reach = (edges: Map<number, number[]>): Set<number> => {
    const seen = new Set<number>(seeds);
    const stack = [...seeds];
    while (stack.length) {
      for (const n of edges.get(stack.pop()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen;
  };
  const below = reach(down);
  const above = reach(up);
  const out = new PairCounter(256);
  // A flow is kept when it lies on a chain: both ends above a match, or both ends below one.
  for (const e of all) if ((above.has(e.a) && above.has(e.b)) || (below.has(e.a) && below.has(e.b))) out.add(e.a, e.b, e.count);
  return out;
}

/**
 * Some events name a process only by pid (an empty ParentImage): such a node is merged into the
 * one named node with the same host and pid, so "pid 1124" and "svchost.exe (1124)" are one node.
 * With several named candidates (pid reuse) it stays apart, as guessing would invent a link.
 */
function fillNames(pairs: PairCounter, info: Array<{ host: number; name: number; pid: number }>): PairCounter {
  const named = new Map<string, number[]>();
  let unnamed = 0;
  info.forEach((n, id) => {
    if (n.name === 0) {
      unnamed++;
      return;
    }
    const key = n.host + "|" + n.pid;
    const list = named.get(key);
    if (list) list.push(id);
    else named.set(key, [id]);
  });
  if (unnamed === 0) return pairs;
  const remap = (id: number): number => {
    const n = info[id];
    if (n.name !== 0) return id;
    const cands = named.get(n.host + "|" + n.pid);
    return cands && cands.length === 1 ? cands[0] : id;
  };
  const out = new PairCounter(pairs.size);
  for (const e of pairs.entries()) out.add(remap(e.a), remap(e.b), e.count);
  return out;
}

function displayName(col: ReturnType<typeof logicalColumn>, row: number): string | null {
  if (!col || col.kind === "num") return null;
  if (col.kind === "slice") {
    const v = sliceValue(col, row);
    return v ? baseName(v) : null;
  }
  const id = col.kind === "str" ? col.ids[row] : col.ids[col.offsets[row]];
  return id ? baseName(col.dict.values[id]) : null;
}

interface NodeSeed {
  label: string;
  side: SankeyNode["side"];
  value: string;
  field: string | null;
  host: string | null;
  pid: number | null;
  name: string | null;
}

/**
 * Keeps the top flows (count, then first seen), folds the rest into "other" nodes, breaks cycles
 * and numbers the nodes. Works on numeric node keys; labels are made only for drawn nodes.
 */
function assemble(
  kind: SankeyResult["kind"],
  sourceField: string,
  targetField: string,
  pairs: PairCounter,
  events: number,
  srcKey: (a: number) => number,
  dstKey: (b: number) => number,
  seed: (key: number) => NodeSeed,
  opts: SankeyOptions,
): SankeyResult {
  const maxFlows = Math.max(1, Math.floor(opts.maxFlows ?? DEFAULT_MAX_FLOWS));
  const { a, b, count } = pairs.columns();
  const n = count.length;
  const order = topFlows(a, b, count, maxFlows);
  const nodes: SankeyNode[] = [];
  // Node key → drawn node id + 1 (0 = not drawn): a typed array, as every flow is looked up twice.
  let maxKey = 0;
  for (let i = 0; i < n; i++) maxKey = Math.max(maxKey, srcKey(a[i]), dstKey(b[i]));
  const drawnId = new Uint32Array(maxKey + 1);
  const byKey = new Map<number, number>();
  const node = (key: number): number => {
    let id = drawnId[key] - 1;
    if (id < 0) {
      id = nodes.length;
      drawnId[key] = id + 1;
      const s = seed(key);
      nodes.push({ id, label: s.label, side: s.side, value: s.value, field: s.field, host: s.host, pid: s.pid, name: s.name, in: 0, out: 0, other: false });
    }
    return id;
  };
  const links: SankeyLink[] = [];
  const kept = new Uint8Array(n);
  for (const i of order) {
    kept[i] = 1;
    links.push({ source: node(srcKey(a[i])), target: node(dstKey(b[i])), count: count[i], other: false });
  }
  // A left-out flow between two drawn nodes adds no node, and often completes a chain (WmiPrvSE →
  // powershell between two kept flows), so it is drawn too.
  for (let i = 0; i < n; i++) {
    if (kept[i]) continue;
    const s = drawnId[srcKey(a[i])];
    const t = drawnId[dstKey(b[i])];
    if (s !== 0 && t !== 0) {
      kept[i] = 1;
      links.push({ source: s - 1, target: t - 1, count: count[i], other: false });
    }
  }
  const shown = links.length;
  const cycleLinks = dropCycles(links);
  // Left-out flows keep whichever end is already drawn; the other end becomes an "other" node.
  // Made when first needed (the node ids follow that order); then read from these locals.
  let otherSource = -1;
  let otherTarget = -1;
  const otherNode = (side: "source" | "target"): number => {
    if (side === "source" && otherSource >= 0) return otherSource;
    if (side === "target" && otherTarget >= 0) return otherTarget;
    const key = side === "source" ? -1 : -2;
    let id = byKey.get(key);
    if (id === undefined) {
      id = nodes.length;
      byKey.set(key, id);
      nodes.push({
        id,
        label: side === "source" ? "other sources" : "other targets",
        side: kind === "process" ? "process" : side,
        value: "",
        field: null,
        host: null,
        pid: null,
        name: null,
        in: 0,
        out: 0,
        other: true,
      });
    }
    if (side === "source") otherSource = id;
    else otherTarget = id;
    return id;
  };
  const otherLinks = new Map<number, SankeyLink>();
  let omittedEvents = 0;
  const omittedFlows = n - shown;
  // Links between (drawn or other) nodes by source × width + target: a flat table while the
  // nodes are few (a Map keyed by boxed doubles, probed once per left-out flow, was a tenth of
  // the bench's Sankey), else the Map with those keys.
  const width = nodes.length + 2;
  const flat = width * width <= 1 << 16 ? new Int32Array(width * width) : null;
  const flatLinks: SankeyLink[] = [];
  if (omittedFlows > 0) {
    for (let i = 0; i < n; i++) {
      if (kept[i]) continue;
      omittedEvents += count[i];
      const s = drawnId[srcKey(a[i])];
      const t = drawnId[dstKey(b[i])];
      const source = s !== 0 && t === 0 ? s - 1 : otherNode("source");
      const target = t !== 0 && s === 0 ? t - 1 : otherNode("target");
      const key = source * width + target;
      if (flat) {
        const at = flat[key];
        if (at !== 0) flatLinks[at - 1].count += count[i];
        else flat[key] = flatLinks.push({ source, target, count: count[i], other: true });
        continue;
      }
      const l = otherLinks.get(key);
      if (l) l.count += count[i];
      else otherLinks.set(key, { source, target, count: count[i], other: true });
    }
  }
  links.push(...(flat ? flatLinks : [...otherLinks.values()]).sort((x, y) => y.count - x.count || x.source - y.source || x.target - y.target));
  for (const l of links) {
    nodes[l.source].out += l.count;
    nodes[l.target].in += l.count;
  }
  const parts: string[] = [];
  if (omittedFlows > 0) parts.push(`showing ${shown} of ${n} flows; ${omittedFlows} flows (${omittedEvents} events) are in "other"`);
  if (cycleLinks > 0) parts.push(`${cycleLinks} flows that close a cycle (reused ids) are not drawn`);
  return {
    kind,
    sourceField,
    targetField,
    nodes,
    links,
    events,
    flows: n,
    shownFlows: shown - cycleLinks,
    omittedFlows,
    omittedEvents,
    cycleLinks,
    note: parts.length ? parts.join("; ") : null,
  };
}

/**
 * Indices of the `k` biggest flows, biggest first; ties go to the flow seen first (smaller codes
 * were assigned earlier). A bounded heap keeps it O(n log k): most flows lose one comparison.
 */
function topFlows(a: Uint32Array, b: Uint32Array, count: Float64Array, k: number): number[] {
  // before(x, y): x ranks ahead of y.
  const before = (x: number, y: number) => count[x] > count[y] || (count[x] === count[y] && (a[x] < a[y] || (a[x] === a[y] && b[x] < b[y])));
  // A min-heap on rank: heap[0] is the weakest of the current top k.
  const heap: number[] = [];
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[m], heap[l])) m = l;
      if (r < heap.length && before(heap[m], heap[r])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[p], heap[i])) return;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  for (let i = 0; i < count.length; i++) {
    if (heap.length < k) {
      heap.push(i);
      up(heap.length - 1);
    } else if (before(i, heap[0])) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
}

/** Removes links that close a cycle (depth-first, strongest links first), returning how many. */
function dropCycles(links: SankeyLink[]): number {
  const out = new Map<number, SankeyLink[]>();
  for (const l of links) {
    const list = out.get(l.source);
    if (list) list.push(l);
    else out.set(l.source, [l]);
  }
  const state = new Map<number, 1 | 2>(); // 1 = on the stack, 2 = done
  const bad = new Set<SankeyLink>();
  for (const start of out.keys()) {
    if (state.has(start)) continue;
    // Iterative DFS: deep process chains must not overflow the stack.
    const stack: Array<{ node: number; i: number }> = [{ node: start, i: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = out.get(top.node)?.[top.i++];
      if (!next) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const s = state.get(next.target);
      if (s === 1 || next.target === top.node) bad.add(next);
      else if (s === undefined) {
        state.set(next.target, 1);
        stack.push({ node: next.target, i: 0 });
      }
    }
  }
  if (bad.size === 0) return 0;
  const keep = links.filter((l) => !bad.has(l));
  links.length = 0;
  links.push(...keep);
  return bad.size;
}
