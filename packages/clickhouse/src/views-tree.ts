/**
 * The process tree of a ClickHouse dataset. Building a tree is a walk in time order (a parent is
 * the latest process with that pid before the child), not an aggregation, so ClickHouse selects
 * only what the walk reads — process creations, library loads and connections of the host and
 * time range, classified in SQL as the engine classifies them — and the engine's own
 * `processTree` builds the tree from those events, rebuilt into a dataset.
 */
import { logicalColumn, textAt, type ProcessTree, type ProcessTreeRequest } from "@quarry/engine";
import type { Target } from "./layout.ts";
import { literal } from "./sql.ts";
import { KIND, eventKindSql } from "./views-kinds.ts";
import { and, baseWhere, boundsOf, hostPredicate, localView, withViewRun, type ViewRunOptions } from "./views-scope.ts";

/** The process tree of a host and time range, or of one event; equals the engine's `processTree` on the same files loaded locally. */
export async function processTreeRemote(target: Target, req: ProcessTreeRequest, opts: ViewRunOptions = {}): Promise<ProcessTree | null> {
  const bounds = boundsOf(req);
  return withViewRun(target, opts, async (run) => {
    const kinds = `${eventKindSql(run.layout)} IN (${[KIND.ProcessStart, KIND.Library, KIND.Network].join(", ")})`;
    const loaded = baseWhere(run.info, { earliest: null, latest: null });
    if (req.seq !== undefined && req.seq !== null) {
      // "Show in tree": the tree of the event's host over all time, cut to its process.
      const seq = req.seq;
      if (!Number.isSafeInteger(seq) || seq < 0) return null;
      const one = `_seq = ${literal(seq)}`;
      const host = await localView(run, [...loaded, one], (_views, ds) => {
        const seg = ds.segments.find((s) => s.rowCount > 0);
        return seg ? textAt(logicalColumn(seg, "host"), 0) : undefined;
      });
      if (host === undefined) return null;
      const onHost = await hostPredicate(run, host, loaded);
      const scope = `(${and([kinds, ...(onHost ? [onHost] : [])])}) OR (${one})`;
      return localView(run, [...loaded, scope], (views) => views.processTree({ seq, ...(req.maxProcesses ? { maxProcesses: req.maxProcesses } : {}) }));
    }
    const base = baseWhere(run.info, bounds);
    const onHost = await hostPredicate(run, req.host, base);
    const scope = [...base, kinds, ...(onHost ? [onHost] : [])];
    return localView(run, scope, (views) => views.processTree({ ...req, ...bounds }));
  });
}
