/**
 * Endgame EQL lineage (`event of`, `child of`, `descendant of [query]`) over the process tree.
 * Processes are identified by `unique_pid`/`unique_ppid` (Endgame data) or, for ECS data, by
 * `process.entity_id`/`process.parent.entity_id`. The tree is built from every event that names
 * both a process and its parent; the query's matching events give the set of related processes.
 */
import type { Dataset } from "../store/dataset.ts";
import type { Expr } from "../lang/plan.ts";
import type { Segment } from "../store/types.ts";
import { first } from "./expr.ts";
import { FALSE, TRUE, evalMask, rowReader, type FilterContext } from "./filter.ts";

type LineageExpr = Extract<Expr, { kind: "lineage" }>;

interface Tree {
  pidField: string;
  ppidField: string;
  parentOf: Map<string, string>;
}

const trees = new WeakMap<Dataset, Tree>();

function idFields(ds: Dataset): { pid: string; ppid: string } {
  const names = new Set(ds.fieldNames());
  if (names.has("unique_pid")) return { pid: "unique_pid", ppid: "unique_ppid" };
  if (names.has("process.entity_id")) return { pid: "process.entity_id", ppid: "process.parent.entity_id" };
  return { pid: "process.pid", ppid: "process.parent.pid" };
}

function keyOf(v: ReturnType<typeof first>): string | null {
  return v === null ? null : String(v);
}

function tree(ds: Dataset): Tree {
  let t = trees.get(ds);
  if (t) return t;
  const { pid, ppid } = idFields(ds);
  const parentOf = new Map<string, string>();
  for (const seg of ds.segments) {
    const r = rowReader(seg);
    for (let row = 0; row < seg.rowCount; row++) {
      r.at(row);
      const p = keyOf(first(r.get(pid)));
      const pp = keyOf(first(r.get(ppid)));
      if (p !== null && pp !== null && !parentOf.has(p)) parentOf.set(p, pp);
    }
  }
  t = { pidField: pid, ppidField: ppid, parentOf };
  trees.set(ds, t);
  return t;
}

const matched = new WeakMap<FilterContext, Map<LineageExpr, Set<string>>>();

/** Processes that had an event matching the lineage query. */
function matchingProcesses(ctx: FilterContext, expr: LineageExpr, t: Tree): Set<string> {
  let byExpr = matched.get(ctx);
  if (!byExpr) matched.set(ctx, (byExpr = new Map()));
  let set = byExpr.get(expr);
  if (set) return set;
  set = new Set();
  const T = TRUE;
  for (const seg of ctx.ds.segments) {
    const m = evalMask(ctx, seg, expr.query);
    const r = rowReader(seg);
    for (let row = 0; row < seg.rowCount; row++) {
      if (m[row] !== T) continue;
      r.at(row);
      const p = keyOf(first(r.get(t.pidField)));
      if (p !== null) set.add(p);
    }
  }
  byExpr.set(expr, set);
  return set;
}

/** The truth mask of a lineage test over one segment. */
export function lineageMask(ctx: FilterContext, seg: Segment, expr: LineageExpr): Uint8Array {
  const t = tree(ctx.ds);
  const q = matchingProcesses(ctx, expr, t);
  const out = new Uint8Array(seg.rowCount);
  const r = rowReader(seg);
  const [yes, no] = [TRUE, FALSE];
  for (let row = 0; row < seg.rowCount; row++) {
    r.at(row);
    const pid = keyOf(first(r.get(t.pidField)));
    const parent = keyOf(first(r.get(t.ppidField))) ?? (pid === null ? null : (t.parentOf.get(pid) ?? null));
    let hit = false;
    switch (expr.relation) {
      case "event":
        hit = pid !== null && q.has(pid);
        break;
      case "child":
        hit = parent !== null && q.has(parent);
        break;
      case "descendant": {
        const seen = new Set<string>();
        for (let p = parent; p !== null && !seen.has(p); p = t.parentOf.get(p) ?? null) {
          if (q.has(p)) {
            hit = true;
            break;
          }
          seen.add(p);
        }
        break;
      }
    }
    out[row] = hit ? yes : no;
  }
  return out;
}
