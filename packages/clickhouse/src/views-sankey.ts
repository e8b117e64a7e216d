/**
 * The Sankey view counted in ClickHouse. One GROUP BY returns, per distinct combination of the
 * values a diagram reads (host, pid, ppid and the four name columns of a process creation; or
 * the source and target values of a two-field diagram), its event count and the position of
 * its first event in a local scan (segment, time, seq). Replaying the groups in that order
 * gives values, nodes and flows the same first-seen numbering as the engine's scan, so the
 * engine's own `processSankeyOf` / `fieldSankeyOf` pick, fold and break ties exactly as locally.
 * Where a field cannot be read that way (a multi-value process name column), or the filter has
 * no exact SQL form, the view runs locally on the fetched events of its scope.
 */
import {
  PairCounter,
  PairInterner,
  baseName,
  ValueCoder,
  columnOf,
  fieldSankeyOf,
  logicalColumn,
  processSankeyOf,
  type SankeyRequest,
  type SankeyResult,
  type Segment,
} from "@quarry/engine";
import type { Target } from "./layout.ts";
import { codedText, comparePositions, fieldAll, fieldFirst, inSegments, numberOf, perSegment, positionOf, POSITION, type Position } from "./views-columns.ts";
import { KIND, eventKindSql } from "./views-kinds.ts";
import { and, baseWhere, boundsOf, exactWhere, hostPredicate, localView, viewRows, withViewRun, type ViewRun, type ViewRunOptions } from "./views-scope.ts";

/** A Sankey of a ClickHouse dataset; the answer equals the engine's `sankey` on the same files loaded locally. */
export async function sankeyRemote(target: Target, req: SankeyRequest, opts: ViewRunOptions = {}): Promise<SankeyResult> {
  const bounds = boundsOf(req);
  const { view: _view, ...rest } = req;
  const local: SankeyRequest = { ...rest, ...bounds };
  return withViewRun(target, opts, async (run) => {
    const base = baseWhere(run.info, bounds);
    const host = await hostPredicate(run, req.host, base);
    const where = exactWhere(run, req.where);
    const scope = [...base, ...(host ? [host] : []), ...(where.sql ? [where.sql] : [])];
    // The same option handling as the engine's views service.
    const o = req.maxFlows ? { maxFlows: Math.min(Math.max(1, req.maxFlows), 500) } : {};
    if (where.exact) {
      if (req.mode === "process") {
        const flows = await processFlows(run, scope);
        if (flows) return processSankeyOf(flows, { ...o, focus: req.focus ?? null });
      } else {
        return fieldSankeyOf(await fieldFlows(run, scope, req.source, req.target), req.source, req.target, o);
      }
    }
    return localView(run, scope, (views) => views.sankey(local));
  });
}

/** The engine's value code of a text (0 = absent), so codes are numbered as in a local view. */
function codeOf(coder: ValueCoder, text: string | null): number {
  return text === null ? 0 : coder.code(text);
}

interface ProcessGroup {
  h: string | null;
  pid: string | null;
  ppid: string | null;
  cn: string | null;
  cp: string | null;
  pn: string | null;
  pp: string | null;
  hasName: number;
  hasParentName: number;
  n: number | string;
  p: unknown;
}

/** ParentProcessId → ProcessId flows of process creations, counted in SQL; null when a name column is multi-value. */
async function processFlows(run: ViewRun, scope: string[]) {
  const { layout } = run;
  const logical = (f: Parameters<typeof logicalColumn>[1]) => layout.columns((seg) => logicalColumn(seg, f));
  const segs = layout.segmentIds((seg) => !!logicalColumn(seg, "pid") && !!logicalColumn(seg, "ppid"));
  // The engine spells a name from the row's first value of a multi-value column by its offsets, a reading SQL does not reproduce.
  const primary = (seg: Segment, name: "name" | "parentName", path: "image" | "parentImage") => logicalColumn(seg, name) ?? logicalColumn(seg, path);
  if (layout.segmentIds((seg) => primary(seg, "name", "image")?.kind === "multi" || primary(seg, "parentName", "parentImage")?.kind === "multi").some((id) => segs.includes(id))) return null;
  const has = (f: "name" | "parentName") => perSegment(layout.columns((seg) => logicalColumn(seg, f)), () => "1", "0");
  const sql =
    `SELECT ${fieldFirst(logical("host"))} AS h, ${fieldFirst(logical("pid"))} AS pid, ${fieldFirst(logical("ppid"))} AS ppid, ` +
    `${fieldFirst(logical("name"))} AS cn, ${fieldFirst(logical("image"))} AS cp, ${fieldFirst(logical("parentName"))} AS pn, ${fieldFirst(logical("parentImage"))} AS pp, ` +
    `${has("name")} AS hasName, ${has("parentName")} AS hasParentName, count() AS n, min(${POSITION}) AS p ` +
    `FROM ${run.events} WHERE ${and([...scope, inSegments(segs), `${eventKindSql(layout)} = ${KIND.ProcessStart}`])} ` +
    `GROUP BY h, pid, ppid, cn, cp, pn, pp, hasName, hasParentName`;
  const groups = (await viewRows<ProcessGroup>(run, sql)).map((g) => ({ g, at: positionOf(g.p) }));
  groups.sort((x, y) => comparePositions(x.at, y.at));
  // Replayed in scan order, the groups number hosts, names and nodes as the engine's scan does.
  const hosts = new ValueCoder();
  const names = new ValueCoder((s) => baseName(s).toLowerCase());
  const spelled: Array<string | undefined> = [];
  const hostName = new PairInterner();
  const nodeIds = new PairInterner();
  const nodes: Array<{ host: number; name: number; pid: number }> = [];
  const pairs = new PairCounter(1024);
  let events = 0;
  const nodeFor = (host: number, name: number, pid: number): number => {
    const id = nodeIds.intern(hostName.intern(host, name), pid);
    if (id === nodes.length) nodes.push({ host, name, pid });
    return id;
  };
  const spell = (code: number, shownTag: string | null) => {
    if (code === 0 || spelled[code] !== undefined) return;
    // A text column spells the name as written; a number column (or no value) leaves the coded name.
    const display = shownTag !== null && shownTag[0] === "s" ? baseName(shownTag.slice(1)) : null;
    spelled[code] = display ?? names.values[code];
  };
  for (const { g } of groups) {
    const pid = numberOf(g.pid);
    const ppid = numberOf(g.ppid);
    if (!(pid >= 0 && pid < 4294967296 && ppid >= 0 && ppid < 4294967296)) continue;
    const host = codeOf(hosts, codedText(g.h));
    const cn = codeOf(names, codedText(g.cn)) || codeOf(names, codedText(g.cp));
    const pn = codeOf(names, codedText(g.pn)) || codeOf(names, codedText(g.pp));
    spell(cn, Number(g.hasName) === 1 ? g.cn : g.cp);
    spell(pn, Number(g.hasParentName) === 1 ? g.pn : g.pp);
    const count = Number(g.n);
    pairs.add(nodeFor(host, pn, ppid), nodeFor(host, cn, pid), count);
    events += count;
  }
  return { hosts: hosts.values, names: names.values, spelled, nodes, pairs, events };
}

/** Flows from the values of one field to those of another, counted in SQL (multi-value rows: every pair). */
async function fieldFlows(run: ViewRun, scope: string[], sourceField: string, targetField: string) {
  const { layout } = run;
  const segs = layout.segmentIds((seg) => !!columnOf(seg, sourceField) && !!columnOf(seg, targetField));
  const a = fieldAll(layout.columns((seg) => columnOf(seg, sourceField)));
  const b = fieldAll(layout.columns((seg) => columnOf(seg, targetField)));
  const sql =
    `SELECT ${a} AS a, ${b} AS b, count() AS n, min(${POSITION}) AS p FROM ${run.events} ` +
    `WHERE ${and([...scope, inSegments(segs), "notEmpty(a) OR notEmpty(b)"])} GROUP BY a, b`;
  const groups = (await viewRows<{ a: string[]; b: string[]; n: number | string; p: unknown }>(run, sql)).map((g) => ({ g, at: positionOf(g.p) as Position }));
  groups.sort((x, y) => comparePositions(x.at, y.at));
  const src = new ValueCoder();
  const dst = new ValueCoder();
  const pairs = new PairCounter(1024);
  let events = 0;
  for (const { g } of groups) {
    const xa = g.a.map((v) => codeOf(src, codedText(v))).filter((c) => c !== 0);
    const xb = g.b.map((v) => codeOf(dst, codedText(v))).filter((c) => c !== 0);
    if (xa.length === 0 || xb.length === 0) continue;
    const count = Number(g.n);
    for (const x of xa) for (const y of xb) pairs.add(x, y, count);
    events += count;
  }
  return { sources: src.values, targets: dst.values, pairs, events };
}
