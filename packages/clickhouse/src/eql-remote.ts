/**
 * Running EQL against a ClickHouse dataset. The query is parsed and lowered once by the engine's
 * own front end and its event selection is compiled to SQL (`planPredicate`). Then, in order:
 * - an event query whose order and cut have an exact SQL form comes back already cut to its
 *   first or last events (`eqlReduction`) and runs locally on those;
 * - every other plan whose reads can be listed runs in two phases (`two-phase.ts`): the matcher's
 *   columns of the selected events, the engine's executors, then the shown events whole;
 * - the rest (lineage) fetches the selected events whole, as before.
 * Each way gives the response `runEql` gives on the same files loaded locally.
 */
import { planEql, runEql, type EqlOptions, type EqlResponse } from "@quarry/engine";
import { Connection } from "./conn.ts";
import type { Target } from "./layout.ts";
import { fetchScoped, planScope, type RemoteOptions } from "./remote.ts";
import { eqlReduction } from "./reduce.ts";
import { planFields } from "./plan-fields.ts";
import { knownMappings, runEqlTwoPhase } from "./two-phase.ts";

/** Runs EQL on a ClickHouse dataset; the response equals `runEql` on the same files loaded locally. */
export async function runEqlRemote(target: Target, query: string, opts: EqlOptions = {}, remote: RemoteOptions = {}): Promise<EqlResponse> {
  const started = performance.now();
  const plan = planEql(query, opts);
  const conn = new Connection(target.url);
  try {
    const scope = await planScope(conn, target, plan, remote);
    const cut = eqlReduction(plan, scope.pred, scope.ctx, { size: opts.size ?? 10, timestampField: opts.timestampField ?? "@timestamp", tiebreakerField: opts.tiebreakerField ?? null });
    const fields = cut ? null : planFields(plan);
    const mappings = fields ? knownMappings(scope.mappings) : null;
    if (fields && mappings) {
      const res = await runEqlTwoPhase(scope, target, plan, query, opts, remote, fields, mappings);
      return { ...res, took: Math.round(performance.now() - started) };
    }
    const { dataset } = await fetchScoped(scope, target, plan, remote, cut ?? undefined);
    const res = runEql(dataset, query, opts);
    return { ...res, took: Math.round(performance.now() - started) };
  } finally {
    await conn.close();
  }
}
