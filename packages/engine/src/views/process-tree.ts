import { columnOf, type Dataset } from "../store/dataset.ts";
import type { Segment } from "../store/types.ts";
import { decodePowerShellCommandLine } from "../decode/powershell.ts";
import { EventKind, eventKinds } from "./event-kind.ts";
import { baseName, logicalColumn, numbersOf, textAt, type LogicalField } from "./fields.ts";
import { BATCH_ROWS, scopedSegments, type ViewScope } from "./scope.ts";

/** A library a process loaded (Sysmon 7, ECS library events). */
export interface LoadedLibrary {
  name: string;
  path: string | null;
  time: number | null;
  seq: number;
}

/** A network connection a process made (Sysmon 3, ECS network events). */
export interface ProcessConnection {
  time: number | null;
  seq: number;
  srcIp: string | null;
  srcPort: string | null;
  destIp: string | null;
  destPort: string | null;
  transport: string | null;
}

/** One process in a tree. */
export interface ProcessNode {
  id: number;
  parent: number | null;
  children: number[];
  host: string | null;
  pid: number | null;
  ppid: number | null;
  guid: string | null;
  /** Image basename as written (e.g. `WmiPrvSE.exe`). */
  name: string;
  executable: string | null;
  commandLine: string | null;
  /** The command line with any PowerShell -enc payload decoded, when it has one. */
  decodedCommandLine: string | null;
  user: string | null;
  /** Start time (ms) and ingest seq of the creation event; null for an inferred parent. */
  time: number | null;
  seq: number | null;
  /** Known only from a child's parent fields (its own creation event is not in scope). */
  inferred: boolean;
  libraries: LoadedLibrary[];
  librariesOmitted: number;
  network: ProcessConnection[];
  networkOmitted: number;
}

/** A forest of processes, roots in start order. */
export interface ProcessTree {
  nodes: ProcessNode[];
  roots: number[];
  /** Process-creation events read. */
  processes: number;
  /** Creation events left out by `maxProcesses`. */
  omitted: number;
  /** The process "show in tree" was asked for. */
  focus: number | null;
  note: string | null;
}

export interface ProcessTreeOptions {
  /** Most processes built (earliest first; default 5000). */
  maxProcesses?: number;
  /** Most libraries and connections kept per process (default 200 each). */
  maxAttachments?: number;
  /** Attach libraries and network events (default true). */
  attach?: boolean;
}

interface Builder {
  nodes: ProcessNode[];
  byGuid: Map<string, number>;
  /** host|pid → processes with that pid, in start order. */
  byPid: Map<string, number[]>;
  inferredByKey: Map<string, number>;
}

/** Builds the parent/child process tree of a scope (typically a host and a time range) from process-creation events. */
export function processTree(ds: Dataset, scope: ViewScope, opts: ProcessTreeOptions = {}): ProcessTree {
  const max = opts.maxProcesses ?? 5000;
  const starts: Array<{ seg: Segment; row: number }> = [];
  const others: Array<{ seg: Segment; row: number; kind: number }> = [];
  const attach = opts.attach ?? true;
  for (const { seg, rows } of scopedSegments(ds, scope)) {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      scope.cancel?.();
      const batch = rows.subarray(start, start + BATCH_ROWS);
      const kinds = eventKinds(seg, batch);
      for (let i = 0; i < batch.length; i++) {
        const k = kinds[i];
        if (k === EventKind.ProcessStart) starts.push({ seg, row: batch[i] });
        else if (attach && (k === EventKind.Library || k === EventKind.Network)) others.push({ seg, row: batch[i], kind: k });
      }
    }
  }
  const byTime = (a: { seg: Segment; row: number }, b: { seg: Segment; row: number }) =>
    (a.seg.time[a.row] || 0) - (b.seg.time[b.row] || 0) || a.seg.seq[a.row] - b.seg.seq[b.row];
  starts.sort(byTime);
  const kept = starts.length > max ? starts.slice(0, max) : starts;
  const b: Builder = { nodes: [], byGuid: new Map(), byPid: new Map(), inferredByKey: new Map() };
  for (let i = 0; i < kept.length; i++) {
    if (i % 10_000 === 0) scope.cancel?.();
    addProcess(b, kept[i].seg, kept[i].row);
  }
  if (attach) {
    const cap = opts.maxAttachments ?? 200;
    others.sort(byTime);
    for (let i = 0; i < others.length; i++) {
      if (i % 10_000 === 0) scope.cancel?.();
      attachEvent(b, others[i].seg, others[i].row, others[i].kind, cap);
    }
  }
  const roots = b.nodes.filter((n) => n.parent === null).map((n) => n.id);
  const omitted = starts.length - kept.length;
  return {
    nodes: b.nodes,
    roots,
    processes: starts.length,
    omitted,
    focus: null,
    note: omitted > 0 ? `showing the first ${kept.length} of ${starts.length} processes; narrow the host or time range to see the rest` : null,
  };
}

/**
 * "Show in tree" for one event (by ingest seq): the tree of its host, cut down to the event's
 * process, its ancestors and all its descendants. Null when the event names no process.
 */
export function processTreeForEvent(ds: Dataset, seq: number, opts: ProcessTreeOptions = {}): ProcessTree | null {
  const at = findSeq(ds, seq);
  if (!at) return null;
  const { seg, row } = at;
  const host = text(seg, "host", row);
  const full = processTree(ds, { host }, opts);
  const guid = text(seg, "guid", row);
  const pid = num(seg, "pid", row);
  const time = seg.time[row];
  let target = full.nodes.find((n) => n.seq === seq);
  if (!target && guid) target = full.nodes.find((n) => n.guid === guid);
  if (!target && pid !== null) {
    // The latest process with that pid started at or before the event.
    const cands = full.nodes.filter((n) => n.pid === pid && !n.inferred && (n.time === null || !(n.time > time)));
    target = cands[cands.length - 1] ?? full.nodes.find((n) => n.pid === pid);
  }
  if (!target) return null;
  const keep = new Set<number>();
  for (let p: ProcessNode | undefined = target; p; p = p.parent === null ? undefined : full.nodes[p.parent]) keep.add(p.id);
  const stack = [target.id];
  while (stack.length) {
    const id = stack.pop()!;
    keep.add(id);
    stack.push(...full.nodes[id].children);
  }
  return { ...subset(full, keep), processes: full.processes, omitted: full.omitted, note: full.note, ...focusOf(full, keep, target.id) };
}

function focusOf(full: ProcessTree, keep: Set<number>, id: number): { focus: number } {
  let k = 0;
  for (const n of full.nodes) {
    if (n.id === id) return { focus: k };
    if (keep.has(n.id)) k++;
  }
  return { focus: 0 };
}

/** The nodes in `keep`, renumbered densely in their original order. */
function subset(tree: ProcessTree, keep: Set<number>): Pick<ProcessTree, "nodes" | "roots"> {
  const map = new Map<number, number>();
  for (const n of tree.nodes) if (keep.has(n.id)) map.set(n.id, map.size);
  const nodes: ProcessNode[] = [];
  for (const n of tree.nodes) {
    if (!keep.has(n.id)) continue;
    nodes.push({
      ...n,
      id: map.get(n.id)!,
      parent: n.parent === null ? null : (map.get(n.parent) ?? null),
      children: n.children.filter((c) => keep.has(c)).map((c) => map.get(c)!),
    });
  }
  return { nodes, roots: nodes.filter((n) => n.parent === null).map((n) => n.id) };
}

function findSeq(ds: Dataset, seq: number): { seg: Segment; row: number } | null {
  for (const seg of ds.segments) {
    const s = seg.seq;
    for (let r = 0; r < s.length; r++) if (s[r] === seq) return { seg, row: r };
  }
  return null;
}

function text(seg: Segment, f: LogicalField, row: number): string | null {
  return textAt(logicalColumn(seg, f), row);
}

function num(seg: Segment, f: LogicalField, row: number): number | null {
  const v = numbersOf(logicalColumn(seg, f), Uint32Array.of(row))[0];
  return Number.isNaN(v) ? null : v;
}

function hostKey(host: string | null): string {
  return (host ?? "").toLowerCase();
}

function nameOf(seg: Segment, row: number, nameField: LogicalField, pathField: LogicalField): string {
  const n = text(seg, nameField, row);
  if (n) return baseName(n);
  const p = text(seg, pathField, row);
  return p ? baseName(p) : "";
}

function emptyNode(id: number): ProcessNode {
  return {
    id,
    parent: null,
    children: [],
    host: null,
    pid: null,
    ppid: null,
    guid: null,
    name: "",
    executable: null,
    commandLine: null,
    decodedCommandLine: null,
    user: null,
    time: null,
    seq: null,
    inferred: false,
    libraries: [],
    librariesOmitted: 0,
    network: [],
    networkOmitted: 0,
  };
}

function addProcess(b: Builder, seg: Segment, row: number): void {
  const node = emptyNode(b.nodes.length);
  node.host = text(seg, "host", row);
  node.pid = num(seg, "pid", row);
  node.ppid = num(seg, "ppid", row);
  node.guid = text(seg, "guid", row);
  node.name = nameOf(seg, row, "name", "image");
  node.executable = text(seg, "image", row);
  node.commandLine = text(seg, "commandLine", row);
  node.decodedCommandLine = node.commandLine ? decodePowerShellCommandLine(node.commandLine) : null;
  node.user = text(seg, "user", row);
  node.time = Number.isNaN(seg.time[row]) ? null : seg.time[row];
  node.seq = seg.seq[row];
  const parentGuid = text(seg, "parentGuid", row);
  const parentName = nameOf(seg, row, "parentName", "parentImage");
  let parent = parentGuid ? b.byGuid.get(parentGuid) : undefined;
  if (parent === undefined && !parentGuid && node.ppid !== null) parent = latestByPid(b, node.host, node.ppid, node.time, parentName);
  if (parent === undefined && (parentGuid || node.ppid !== null || parentName)) {
    // The parent's own creation is not in scope: stand in for it from the child's parent fields,
    // one stand-in per parent so siblings stay together.
    const key = parentGuid ?? `${hostKey(node.host)}|${node.ppid ?? ""}|${parentName.toLowerCase()}`;
    parent = b.inferredByKey.get(key);
    if (parent === undefined) {
      const p = emptyNode(b.nodes.length);
      p.inferred = true;
      p.host = node.host;
      p.pid = node.ppid;
      p.guid = parentGuid;
      p.name = parentName;
      p.executable = text(seg, "parentImage", row);
      p.commandLine = text(seg, "parentCommandLine", row);
      p.decodedCommandLine = p.commandLine ? decodePowerShellCommandLine(p.commandLine) : null;
      b.nodes.push(p);
      index(b, p);
      b.inferredByKey.set(key, p.id);
      parent = p.id;
    }
  }
  node.id = b.nodes.length;
  b.nodes.push(node);
  if (parent !== undefined) {
    node.parent = parent;
    b.nodes[parent].children.push(node.id);
  }
  index(b, node);
}

function index(b: Builder, n: ProcessNode): void {
  if (n.guid) b.byGuid.set(n.guid, n.id);
  if (n.pid !== null) {
    const key = `${hostKey(n.host)}|${n.pid}`;
    const list = b.byPid.get(key);
    if (list) list.push(n.id);
    else b.byPid.set(key, [n.id]);
  }
}

/** The latest process with `pid` on `host` started at or before `time` (a reused pid with another name is skipped). */
function latestByPid(b: Builder, host: string | null, pid: number, time: number | null, name: string): number | undefined {
  const list = b.byPid.get(`${hostKey(host)}|${pid}`);
  if (!list) return undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    const n = b.nodes[list[i]];
    if (time !== null && n.time !== null && n.time > time) continue;
    if (name && n.name && n.name.toLowerCase() !== name.toLowerCase()) continue;
    return n.id;
  }
  return undefined;
}

function attachEvent(b: Builder, seg: Segment, row: number, kind: number, cap: number): void {
  const guid = text(seg, "guid", row);
  let id = guid ? b.byGuid.get(guid) : undefined;
  if (id === undefined && !guid) {
    const pid = num(seg, "pid", row);
    if (pid !== null) id = latestByPid(b, text(seg, "host", row), pid, Number.isNaN(seg.time[row]) ? null : seg.time[row], nameOf(seg, row, "name", "image"));
  }
  if (id === undefined) return;
  const node = b.nodes[id];
  const time = Number.isNaN(seg.time[row]) ? null : seg.time[row];
  if (kind === EventKind.Library) {
    if (node.libraries.length >= cap) {
      node.librariesOmitted++;
      return;
    }
    const path = text(seg, "library", row);
    const named = textAt(columnOf(seg, "dll.name"), row);
    node.libraries.push({ name: named ?? (path ? baseName(path) : ""), path, time, seq: seg.seq[row] });
    return;
  }
  if (node.network.length >= cap) {
    node.networkOmitted++;
    return;
  }
  node.network.push({
    time,
    seq: seg.seq[row],
    srcIp: text(seg, "srcIp", row),
    srcPort: text(seg, "srcPort", row),
    destIp: text(seg, "destIp", row),
    destPort: text(seg, "destPort", row),
    transport: text(seg, "transport", row),
  });
}
