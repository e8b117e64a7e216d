/**
 * EQL `sample by k [q1] [q2] …`: for each distinct join key (keys in ascending order, a missing
 * value first), up to `max_samples_per_key` samples, each one event per stage, all different
 * events; unlike sequences there is no order between the stages and no timestamp is needed.
 * Missing key values join (as `null`), as Elasticsearch's composite aggregation does.
 */
import type { Source } from "../lang/plan.ts";
import { checkCancelled } from "./cancel.ts";
import { mergeSelections, type OrderKeys } from "./event-list.ts";
import { FilterContext, selectRows } from "./filter.ts";
import { KeyInterner, NULL_KEY, compareKeyTuples, keyFunction, type KeyIds } from "./keys.ts";
import type { RunState } from "./run.ts";
import type { SequenceHit, Stream } from "./stream.ts";

type SampleSource = Extract<Source, { kind: "sample" }>;

/** Runs a sample source. */
export function runSample(source: SampleSource, state: RunState): Stream {
  const ds = state.ds;
  const n = source.stages.length;
  const interner = new KeyInterner();
  const fctx = new FilterContext(ds, { cancel: state.ctx.cancel, eval: state.ctx.eval, ...(state.plan.timeRange ? { timeRange: state.plan.timeRange } : {}) });
  // byKey[key] = per-stage candidate events (segment, row) in order.
  const byKey = new Map<number, Array<Array<[number, number]>>>();
  source.stages.forEach((stage, si) => {
    checkCancelled(state.ctx.cancel);
    // Samples need no timestamp: candidates are taken in ingest (document) order.
    const list = mergeSelections(ds, ds.segments.map((seg) => selectRows(fctx, seg, stage.where)), ingestOrder(ds));
    const keyOf = keyFunction(ds, stage.keys, interner, state.ctx.eval, state.ctx.nullJoinKeys ?? false);
    for (let i = 0; i < list.length; i++) {
      eachKey(keyOf(list.seg[i]!, list.row[i]!), (k) => {
        let stages = byKey.get(k);
        if (!stages) byKey.set(k, (stages = Array.from({ length: n }, () => [])));
        stages[si]!.push([list.seg[i]!, list.row[i]!]);
      });
    }
  });
  const keys = [...byKey.keys()].sort((a, b) => compareKeyTuples(interner.values[a]!, interner.values[b]!));
  const perKey = Math.max(1, state.ctx.maxSamplesPerKey ?? 1);
  const out: SequenceHit[] = [];
  for (const k of keys) {
    const stages = byKey.get(k)!;
    if (stages.some((s) => s.length === 0)) continue;
    for (const combo of combinations(stages, perKey)) {
      const seg = new Int32Array(n);
      const row = new Int32Array(n);
      combo.forEach(([s, r], i) => {
        seg[i] = s;
        row[i] = r;
      });
      out.push({ joinKeys: interner.values[k]!, seg, row });
    }
  }
  return { kind: "sequences", sequences: out };
}

function eachKey(k: KeyIds, fn: (k: number) => void): void {
  if (typeof k === "number") {
    if (k !== NULL_KEY) fn(k);
  } else for (const x of k) fn(x);
}

/** Order keys that compare equal everywhere, so events fall back to ingest order. */
function ingestOrder(ds: RunState["ds"]): OrderKeys {
  return { ts: ds.segments.map((s) => new Float64Array(s.rowCount)), tb: ds.segments.map(() => null) };
}

/** Up to `max` picks of one event per stage, all distinct, in lexicographic order of positions. */
function combinations(stages: Array<Array<[number, number]>>, max: number): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  const chosen: Array<[number, number]> = [];
  const used = new Set<string>();
  let steps = 0;
  const walk = (i: number): void => {
    if (out.length >= max || steps++ > 100000) return;
    if (i === stages.length) {
      out.push([...chosen]);
      return;
    }
    for (const ev of stages[i]!) {
      const id = `${ev[0]}:${ev[1]}`;
      if (used.has(id)) continue;
      used.add(id);
      chosen.push(ev);
      walk(i + 1);
      chosen.pop();
      used.delete(id);
      if (out.length >= max) return;
    }
  };
  walk(0);
  return out;
}

type JoinSource = Extract<Source, { kind: "join" }>;

/**
 * Endgame `join by k [q1] [q2] … [until [q]]`: events visited in order; per key each stage keeps
 * the first event that matched it; when every stage holds one, the join is emitted (in stage order)
 * and the key starts over; an `until` event clears the key.
 */
export function runJoin(source: JoinSource, state: RunState): Stream {
  const ds = state.ds;
  const n = source.stages.length;
  const interner = new KeyInterner();
  const fctx = new FilterContext(ds, { cancel: state.ctx.cancel, eval: state.ctx.eval, ...(state.plan.timeRange ? { timeRange: state.plan.timeRange } : {}) });
  const preds = [...source.stages, ...(source.until ? [source.until] : [])];
  const lists = preds.map((p) => mergeSelections(ds, ds.segments.map((seg) => selectRows(fctx, seg, p.where)), state.keys));
  const keyFns = preds.map((p) => keyFunction(ds, p.keys, interner, state.ctx.eval, state.ctx.nullJoinKeys ?? false));
  // One merged visit order over all predicates: (segment, row, predicate) sorted by the event order.
  const visits: Array<[number, number, number]> = [];
  lists.forEach((l, pi) => {
    for (let i = 0; i < l.length; i++) visits.push([l.seg[i]!, l.row[i]!, pi]);
  });
  const ts = (s: number, r: number): number => (state.keys ? state.keys.ts[s]![r]! : ds.segments[s]!.time[r]!);
  visits.sort((a, b) => {
    const ta = ts(a[0], a[1]);
    const tb = ts(b[0], b[1]);
    if (ta !== tb) return Number.isNaN(ta) ? 1 : Number.isNaN(tb) ? -1 : ta - tb;
    const sa = ds.segments[a[0]]!.seq[a[1]]!;
    const sb = ds.segments[b[0]]!.seq[b[1]]!;
    return sa - sb || b[2] - a[2];
  });
  const slots = new Map<number, Array<[number, number] | null>>();
  const out: SequenceHit[] = [];
  for (const [s, r, pi] of visits) {
    eachKey(keyFns[pi]!(s, r), (k) => {
      if (pi === n) {
        slots.delete(k);
        return;
      }
      let st = slots.get(k);
      if (!st) slots.set(k, (st = new Array<[number, number] | null>(n).fill(null)));
      if (st[pi]) return;
      if (st.some((e) => e !== null && e[0] === s && e[1] === r)) return;
      st[pi] = [s, r];
      if (st.every((e) => e !== null)) {
        out.push({ joinKeys: interner.values[k]!, seg: Int32Array.from(st, (e) => e![0]), row: Int32Array.from(st, (e) => e![1]) });
        slots.delete(k);
      }
    });
  }
  return { kind: "sequences", sequences: out };
}
