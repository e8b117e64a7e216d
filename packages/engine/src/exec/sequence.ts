/**
 * EQL `sequence`, as Elasticsearch runs it: events are visited once in (timestamp, tiebreaker,
 * seq) order; per join key and stage the state machine keeps the most recent partial sequence
 * (a later stage takes the latest partial sequence of the stage before it and discards older
 * ones); `maxspan` rejects a match whose span from the first event is too long; an `until` event
 * of a key ends every partial sequence of that key; missing-event stages `![…]` reject a complete
 * sequence when a matching event of the same key lies in their gap. `with runs=N` repeats a stage.
 *
 * State is typed arrays: partial sequences live in a pool of fixed-size records (one candidate
 * position per positive stage) recycled through a free list; per stage, an Int32Array maps key
 * id → record.
 */
import type { Expr, SequenceStage, Source } from "../lang/plan.ts";
import type { Segment } from "../store/types.ts";
import { BATCH_ROWS, checkCancelled } from "./cancel.ts";
import { mergeSelections, type EventList } from "./event-list.ts";
import { FilterContext, TRUE, evalMask, timeBounds } from "./filter.ts";
import { KeyInterner, NULL_KEY, keyFunction } from "./keys.ts";
import { timestampFilter, type RunState } from "./run.ts";
import type { SequenceHit, Stream } from "./stream.ts";

type SequenceSource = Extract<Source, { kind: "sequence" }>;

interface ExpandedStage {
  where: Expr;
  keys: Expr[];
  missing: boolean;
}

/** Stages with `runs=N` repeated N times. */
function expand(stages: SequenceStage[]): ExpandedStage[] {
  const out: ExpandedStage[] = [];
  for (const s of stages) for (let i = 0; i < Math.max(1, s.runs); i++) out.push({ where: s.where, keys: s.keys, missing: s.missing });
  return out;
}

/** Per-segment selections for a list of predicates: candidate rows and a bit per predicate. */
function stageMasks(state: RunState, preds: Expr[]): { list: EventList; bits: Uint32Array[] } {
  const fctx = new FilterContext(state.ds, { cancel: state.ctx.cancel, eval: state.ctx.eval });
  const rowFilter = timestampFilter(state);
  const perSeg: Array<Uint32Array | null> = [];
  const segBits: Uint32Array[] = [];
  for (const seg of state.ds.segments) {
    checkCancelled(state.ctx.cancel);
    const [lo, hi] = timeBounds(seg, state.plan.timeRange);
    const bits = new Uint32Array(seg.rowCount);
    preds.forEach((p, i) => {
      const m = evalMask(fctx, seg, p);
      const bit = 1 << i;
      for (let r = lo; r < hi; r++) if (m[r] === TRUE) bits[r]! |= bit;
    });
    const keep = rowFilter?.(seg as Segment) ?? null;
    let n = 0;
    for (let r = lo; r < hi; r++) if (bits[r] && (!keep || keep[r])) n++;
    const rows = new Uint32Array(n);
    let k = 0;
    for (let r = lo; r < hi; r++) if (bits[r] && (!keep || keep[r])) rows[k++] = r;
    perSeg.push(rows);
    segBits.push(bits);
  }
  return { list: mergeSelections(state.ds, perSeg, state.keys), bits: segBits };
}

/** Runs a sequence source. */
export function runSequence(source: SequenceSource, state: RunState): Stream {
  const all = expand(source.stages);
  const positive = all.filter((s) => !s.missing);
  if (positive.length === 0) return { kind: "sequences", sequences: [] };
  // Predicates: positive stages, then missing stages, then until; at most 32 (one bit each).
  const missing: Array<{ stage: ExpandedStage; gap: number }> = [];
  let seen = 0;
  for (const s of all) {
    if (s.missing) missing.push({ stage: s, gap: seen });
    else seen++;
  }
  const preds = [...positive.map((s) => s.where), ...missing.map((m) => m.stage.where), ...(source.until ? [source.until.where] : [])];
  if (preds.length > 32) throw new Error("a sequence has at most 32 stages");
  const { list, bits } = stageMasks(state, preds);
  const ds = state.ds;
  const interner = new KeyInterner();
  const nullKeys = state.ctx.nullJoinKeys ?? false;
  const keyFns = positive.map((s) => keyFunction(ds, s.keys, interner, state.ctx.eval, nullKeys));
  const missKeyFns = missing.map((m) => keyFunction(ds, m.stage.keys, interner, state.ctx.eval, nullKeys));
  const untilKey = source.until ? keyFunction(ds, source.until.keys, interner, state.ctx.eval, nullKeys) : null;
  const nPos = positive.length;
  const missBase = nPos;
  const untilBit = source.until ? 1 << (nPos + missing.length) : 0;
  const tsOf = (i: number): number => (state.keys ? state.keys.ts[list.seg[i]!]![list.row[i]!]! : ds.segments[list.seg[i]!]!.time[list.row[i]!]!);
  const maxspan = source.maxspanMs === null ? null : source.maxspanMs * (state.ctx.timeUnitsPerMs ?? 1);

  // Missing-stage events by (missing stage, key): candidate positions, ascending.
  const missIndex: Array<Map<number, number[]>> = missing.map(() => new Map());
  if (missing.length) {
    for (let i = 0; i < list.length; i++) {
      const b = bits[list.seg[i]!]![list.row[i]!]!;
      for (let m = 0; m < missing.length; m++) {
        if (!(b & (1 << (missBase + m)))) continue;
        const k = missKeyFns[m]!(list.seg[i]!, list.row[i]!);
        if (k === NULL_KEY) continue;
        let arr = missIndex[m]!.get(k);
        if (!arr) missIndex[m]!.set(k, (arr = []));
        arr.push(i);
      }
    }
  }

  // Record pool: record r owns pool[r*nPos .. r*nPos+nPos) (candidate positions).
  let pool = new Int32Array(64 * nPos);
  let recKey = new Int32Array(64);
  let recCount = 0;
  const free: number[] = [];
  const alloc = (): number => {
    const f = free.pop();
    if (f !== undefined) return f;
    if ((recCount + 1) * nPos > pool.length) {
      const np = new Int32Array(pool.length * 2);
      np.set(pool);
      pool = np;
      const nk = new Int32Array(recKey.length * 2);
      nk.set(recKey);
      recKey = nk;
    }
    return recCount++;
  };
  // pending[s][key] = record waiting for stage s+1 (-1 none); grown as keys appear.
  let pending: Int32Array[] = Array.from({ length: Math.max(0, nPos - 1) }, () => new Int32Array(0));
  const growPending = (): void => {
    const need = interner.size;
    if (pending.length && pending[0]!.length >= need) return;
    const size = Math.max(need, 2 * (pending[0]?.length ?? 0), 64);
    pending = pending.map((p) => {
      const np = new Int32Array(size).fill(-1);
      np.set(p);
      return np;
    });
  };

  const completed: SequenceHit[] = [];
  const finish = (rec: number): void => {
    const positions = pool.subarray(rec * nPos, rec * nPos + nPos);
    if (missing.length && rejectedByMissing(positions)) return;
    completed.push(toHit(positions, interner.values[recKey[rec]!] ?? []));
  };
  const rejectedByMissing = (positions: Int32Array): boolean => {
    for (let m = 0; m < missing.length; m++) {
      const evs = missIndex[m]!.get(keyAtMissing(positions, m));
      if (!evs || evs.length === 0) continue;
      const gap = missing[m]!.gap;
      let lo: number;
      let hi: number;
      let tsLo = -Infinity;
      let tsHi = Infinity;
      if (gap === 0) {
        lo = -1;
        hi = positions[0]!;
        if (maxspan !== null) tsLo = tsOf(positions[nPos - 1]!) - maxspan;
      } else if (gap === nPos) {
        lo = positions[nPos - 1]!;
        hi = list.length;
        if (maxspan !== null) tsHi = tsOf(positions[0]!) + maxspan;
      } else {
        lo = positions[gap - 1]!;
        hi = positions[gap]!;
      }
      // First missing-stage event after `lo`.
      let a = 0;
      let b = evs.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (evs[mid]! <= lo) a = mid + 1;
        else b = mid;
      }
      for (let j = a; j < evs.length && evs[j]! < hi; j++) {
        const t = tsOf(evs[j]!);
        if (t >= tsLo && t <= tsHi) return true;
      }
    }
    return false;
  };
  // The key of a missing stage: the key of the neighbouring positive event (same join keys).
  const keyAtMissing = (positions: Int32Array, m: number): number => {
    const gap = missing[m]!.gap;
    const p = positions[gap === nPos ? nPos - 1 : gap]!;
    return keyFns[gap === nPos ? nPos - 1 : gap]!(list.seg[p]!, list.row[p]!);
  };
  const toHit = (positions: Int32Array, joinKeys: SequenceHit["joinKeys"]): SequenceHit => {
    const total = all.length;
    const seg = new Int32Array(total).fill(-1);
    const row = new Int32Array(total).fill(-1);
    let k = 0;
    for (let i = 0; i < total; i++) {
      if (all[i]!.missing) continue;
      const p = positions[k++]!;
      seg[i] = list.seg[p]!;
      row[i] = list.row[p]!;
    }
    return { joinKeys, seg, row };
  };
  const release = (rec: number): void => {
    free.push(rec);
  };

  for (let i = 0; i < list.length; i++) {
    if ((i & (BATCH_ROWS - 1)) === 0) checkCancelled(state.ctx.cancel);
    const s = list.seg[i]!;
    const r = list.row[i]!;
    const b = bits[s]![r]!;
    if (untilKey && b & untilBit) {
      const k = untilKey(s, r);
      if (k !== NULL_KEY) {
        growPending();
        for (const p of pending) {
          if (p[k]! >= 0) {
            release(p[k]!);
            p[k] = -1;
          }
        }
      }
    }
    for (let st = nPos - 1; st >= 0; st--) {
      if (!(b & (1 << st))) continue;
      const k = keyFns[st]!(s, r);
      if (k === NULL_KEY) continue;
      growPending();
      if (st === 0) {
        const prev = nPos > 1 ? pending[0]![k]! : -1;
        const rec = prev >= 0 ? prev : alloc();
        pool[rec * nPos] = i;
        recKey[rec] = k;
        if (nPos === 1) {
          finish(rec);
          release(rec);
        } else pending[0]![k] = rec;
        continue;
      }
      const rec = pending[st - 1]![k]!;
      if (rec < 0) continue;
      pending[st - 1]![k] = -1;
      if (maxspan !== null && tsOf(i) - tsOf(pool[rec * nPos]!) > maxspan) {
        release(rec);
        continue;
      }
      pool[rec * nPos + st] = i;
      if (st === nPos - 1) {
        finish(rec);
        release(rec);
      } else {
        const old = pending[st]![k]!;
        if (old >= 0) release(old);
        pending[st]![k] = rec;
      }
    }
  }
  return { kind: "sequences", sequences: completed };
}

