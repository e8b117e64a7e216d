/**
 * EQL `sequence`, as Elasticsearch runs it: events are visited once in (timestamp, tiebreaker,
 * seq) order; per join key and stage the state machine keeps the most recent partial sequence
 * (a later stage takes the latest partial sequence of the stage before it and discards older
 * ones); `maxspan` rejects a match whose span from the first event is too long; an `until` event
 * of a key ends every partial sequence of that key; `with runs=N` repeats a stage. Complete
 * sequences come out ordered by their last event (then first event, then join key), as
 * Elasticsearch orders completed sequences.
 *
 * Missing-event stages `![…]` are checked on complete sequences, with Elasticsearch's rules: a
 * matching event (same join key) strictly between the timestamps of the neighbouring positive
 * events discards the sequence; leading and trailing missing stages look for the nearest event
 * before the first / after the last positive event, and discard the sequence only when that event
 * lies within `maxspan` of the other end (both ends present: of each other).
 *
 * State is typed arrays: partial sequences live in a pool of fixed-size records (one candidate
 * position per positive stage) recycled through a free list; per stage, an Int32Array maps key
 * id → record.
 */
import type { Expr, SequenceStage, Source } from "../lang/plan.ts";
import type { Segment } from "../store/types.ts";
import { BATCH_ROWS, checkCancelled } from "./cancel.ts";
import { mergeSelections, type EventList } from "./event-list.ts";
import { FilterContext, TRUE, constantTruth, dictLeafTable, evalMask, timeBounds } from "./filter.ts";
import { KeyInterner, NULL_KEY, compareKeyTuples, keyFunction, type KeyIds } from "./keys.ts";
import { ExecError, timestampFilter, type RunState } from "./run.ts";
import { Partials } from "./partials.ts";
import type { CancelToken } from "./cancel.ts";
import type { SequenceHit, Stream } from "./stream.ts";

type SequenceSource = Extract<Source, { kind: "sequence" }>;

interface ExpandedStage {
  where: Expr;
  keys: Expr[];
  missing: boolean;
  fork: boolean;
}

/** Stages with `runs=N` repeated N times. */
function expand(stages: SequenceStage[]): ExpandedStage[] {
  const out: ExpandedStage[] = [];
  for (const s of stages) for (let i = 0; i < Math.max(1, s.runs); i++) out.push({ where: s.where, keys: s.keys, missing: s.missing, fork: s.fork === true });
  return out;
}

/** Candidate events (matching any predicate) in event order, with a bit per predicate per row. */
function stageMasks(state: RunState, preds: Expr[]): { list: EventList; bits: Uint32Array[] } {
  const fctx = new FilterContext(state.ds, { cancel: state.ctx.cancel, eval: state.ctx.eval });
  const rowFilter = timestampFilter(state);
  const perSeg: Array<Uint32Array | null> = [];
  const segBits: Uint32Array[] = [];
  // Imported bindings can be getters under some module loaders: read them once, not per row.
  const T = TRUE;
  for (const seg of state.ds.segments) {
    checkCancelled(state.ctx.cancel);
    const [lo, hi] = timeBounds(seg, state.plan.timeRange);
    // A stage query that is the same for every row of the segment (a field it lacks, as network
    // segments lack EventCode) sets its bit everywhere or nowhere, without a mask; a segment
    // where no stage can match is skipped (most segments, now that each event kind has its own).
    const constant = preds.map((p) => constantTruth(fctx, seg, p));
    if (hi <= lo || constant.every((c) => c !== null && c !== T)) {
      perSeg.push(null);
      segBits.push(new Uint32Array(0));
      continue;
    }
    const bits = new Uint32Array(seg.rowCount);
    // Stage queries that test one dictionary field (typically the event category) fold into one
    // table of bit masks per field: a single pass sets all their bits.
    const byField = new Map<string, { ids: Uint32Array; masks: Uint32Array }>();
    preds.forEach((p, i) => {
      checkCancelled(state.ctx.cancel);
      const bit = 2 ** i;
      const c = constant[i];
      if (c !== null) {
        if (c === T) for (let r = lo; r < hi; r++) bits[r]! |= bit;
        return;
      }
      const leaf = dictLeafTable(fctx, seg, p);
      if (leaf) {
        let f = byField.get(leaf.field);
        if (!f) byField.set(leaf.field, (f = { ids: leaf.ids, masks: new Uint32Array(leaf.table.length) }));
        for (let id = 0; id < leaf.table.length; id++) if (leaf.table[id] === T) f.masks[id]! |= bit;
        return;
      }
      const m = evalMask(fctx, seg, p);
      for (let r = lo; r < hi; r++) if (m[r] === T) bits[r]! |= bit;
    });
    for (const { ids, masks } of byField.values()) {
      for (let r = lo; r < hi; r++) bits[r]! |= masks[ids[r]!]!;
    }
    const keep = rowFilter?.(seg as Segment) ?? null;
    const buf = new Uint32Array(hi - lo);
    let k = 0;
    // Branch-free scans: the row is written and the index advanced by 0 or 1.
    if (keep) {
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(bits[r] !== 0) & +(keep[r] !== 0);
      }
    } else {
      for (let r = lo; r < hi; r++) {
        buf[k] = r;
        k += +(bits[r] !== 0);
      }
    }
    perSeg.push(buf.subarray(0, k));
    segBits.push(bits);
  }
  return { list: mergeSelections(state.ds, perSeg, state.keys), bits: segBits };
}

function forEachKey(k: KeyIds, fn: (k: number) => void): void {
  if (typeof k === "number") {
    if (k !== NULL_KEY) fn(k);
  } else for (const x of k) fn(x);
}

/** Runs a sequence source. */
export function runSequence(source: SequenceSource, state: RunState): Stream {
  const all = expand(source.stages);
  const positive = all.filter((s) => !s.missing);
  if (positive.length === 0) return { kind: "sequences", sequences: [] };
  // Missing stages with their place: `gap` = number of positive stages before them.
  const missing: Array<{ stage: ExpandedStage; gap: number }> = [];
  let seen = 0;
  for (const s of all) {
    if (s.missing) missing.push({ stage: s, gap: seen });
    else seen++;
  }
  // One bit per distinct predicate: the copies `runs=N` makes share theirs, so long runs stay cheap.
  const preds: Expr[] = [];
  const bitOf = (e: Expr): number => {
    let i = preds.indexOf(e);
    if (i < 0) i = preds.push(e) - 1;
    return 2 ** i;
  };
  const stageBit = positive.map((s) => bitOf(s.where));
  const missBit = missing.map((m) => bitOf(m.stage.where));
  const untilBit = source.until ? bitOf(source.until.where) : 0;
  if (preds.length > 32) throw new ExecError("a sequence has at most 32 different stage queries (missing events and until included)");
  const { list, bits } = stageMasks(state, preds);
  checkCancelled(state.ctx.cancel);
  const ds = state.ds;
  const interner = new KeyInterner();
  const nullKeys = state.ctx.nullJoinKeys ?? false;
  const keyFns = positive.map((s) => keyFunction(ds, s.keys, interner, state.ctx.eval, nullKeys));
  const keyText = (keys: Expr[]): string => JSON.stringify(keys, (k, v: unknown) => (k === "span" ? undefined : v));
  const sameKeys = positive.every((st) => keyText(st.keys) === keyText(positive[0]!.keys));
  const missKeyFns = missing.map((m) => keyFunction(ds, m.stage.keys, interner, state.ctx.eval, nullKeys));
  const untilKey = source.until ? keyFunction(ds, source.until.keys, interner, state.ctx.eval, nullKeys) : null;
  const nPos = positive.length;
  // Timestamps of the candidates, gathered once: maxspan and missing-event checks read them often.
  const candTs = candidateTimes(list, state.keys ? state.keys.ts : ds.segments.map((sg) => sg.time));
  const tsOf = (i: number): number => candTs[i]!;
  const maxspan = source.maxspanMs === null ? null : source.maxspanMs * (state.ctx.timeUnitsPerMs ?? 1);
  const exceeds = (from: number, to: number): boolean => maxspan !== null && maxspan > 0 && to - from > maxspan;

  // Missing-stage events by (missing stage, key): candidate positions, ascending (so by timestamp).
  const missIndex: Array<Map<number, number[]>> = missing.map(() => new Map());
  for (let i = 0; missing.length && i < list.length; i++) {
    const b = bits[list.seg[i]!]![list.row[i]!]!;
    for (let m = 0; m < missing.length; m++) {
      if (!(b & missBit[m]!)) continue;
      forEachKey(missKeyFns[m]!(list.seg[i]!, list.row[i]!), (k) => {
        let arr = missIndex[m]!.get(k);
        if (!arr) missIndex[m]!.set(k, (arr = []));
        arr.push(i);
      });
    }
  }

  checkCancelled(state.ctx.cancel);
  /** Timestamp of the first missing-stage event of key k after `ts` (or the last before it). */
  const nearest = (m: number, k: number, ts: number, after: boolean): number | null => {
    const evs = missIndex[m]!.get(k);
    if (!evs || evs.length === 0) return null;
    let a = 0;
    let b = evs.length;
    // First index with timestamp > ts (after) or >= ts (before).
    while (a < b) {
      const mid = (a + b) >> 1;
      const t = tsOf(evs[mid]!);
      if (after ? t <= ts : t < ts) a = mid + 1;
      else b = mid;
    }
    if (after) return a < evs.length ? tsOf(evs[a]!) : null;
    return a > 0 ? tsOf(evs[a - 1]!) : null;
  };
  const existsBetween = (m: number, k: number, lo: number, hi: number): boolean => {
    const t = nearest(m, k, lo, true);
    return t !== null && t < hi;
  };
  const leadingStage = all[0]!.missing;
  const trailingStage = all[all.length - 1]!.missing;
  const acceptMissing = (positions: Int32Array, k: number): boolean => {
    const start = tsOf(positions[0]!);
    const last = tsOf(positions[nPos - 1]!);
    let lastLeading: number | null = null;
    let firstTrailing: number | null = null;
    for (let m = 0; m < missing.length; m++) {
      const gap = missing[m]!.gap;
      if (gap === 0) {
        const t = nearest(m, k, start, false);
        if (t !== null && (lastLeading === null || t > lastLeading)) lastLeading = t;
      } else if (gap === nPos) {
        const t = nearest(m, k, last, true);
        if (t !== null && (firstTrailing === null || t < firstTrailing)) firstTrailing = t;
      } else if (existsBetween(m, k, tsOf(positions[gap - 1]!), tsOf(positions[gap]!))) return false;
    }
    const bigger = (from: number | null, to: number | null): boolean => from === null || to === null || exceeds(from, to);
    return (
      (firstTrailing === null && lastLeading === null) ||
      (lastLeading === null && leadingStage) ||
      (firstTrailing === null && trailingStage) ||
      (leadingStage && trailingStage && bigger(lastLeading, firstTrailing)) ||
      (leadingStage && !trailingStage && bigger(lastLeading, last)) ||
      (!leadingStage && trailingStage && bigger(start, firstTrailing))
    );
  };

  const completed: Array<{ start: number; end: number; key: number; hit: SequenceHit }> = [];
  const finish = (rec: number): void => {
    const positions = partials.positions(rec);
    const k = partials.recKey[rec]!;
    if (missing.length && !acceptMissing(positions, k)) return;
    const total = all.length;
    const seg = new Int32Array(total).fill(-1);
    const row = new Int32Array(total).fill(-1);
    let j = 0;
    for (let i = 0; i < total; i++) {
      if (all[i]!.missing) continue;
      const p = positions[j++]!;
      seg[i] = list.seg[p]!;
      row[i] = list.row[p]!;
    }
    completed.push({ start: positions[0]!, end: positions[nPos - 1]!, key: k, hit: { joinKeys: interner.values[k] ?? [], seg, row } });
  };

  const partials = new Partials(nPos, positive.map((p) => p.fork), candTs, maxspan, finish);
  // Sequences complete in the order they are returned (by last event), so with only `head` pipes
  // the first `limit` completions are final: stop once they are in.
  const onlyHeads = state.plan.pipes.every((p) => p.kind === "head" && p.while === undefined);
  let limit = onlyHeads && state.ctx.size !== undefined ? state.ctx.size : Infinity;
  for (const p of state.plan.pipes) if (p.kind === "head") limit = Math.min(limit, p.n);
  if (!onlyHeads) limit = Infinity;
  scanCandidates({ list, bits, stageBit, keyFns, sameKeys, interner, partials, untilKey, untilBit, limit, done: () => completed.length, cancel: state.ctx.cancel });
  completed.sort((a, b) => a.end - b.end || a.start - b.start || compareKeyTuples(interner.values[a.key]!, interner.values[b.key]!));
  return { kind: "sequences", sequences: completed.map((c) => c.hit) };
}

/**
 * The timestamp of each candidate. Its own function: as a loop inside `runSequence` it was
 * compiled on entry (OSR) and deoptimized at the code after it on each of the first runs.
 */
function candidateTimes(list: EventList, tsOfSeg: Float64Array[]): Float64Array {
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = tsOfSeg[list.seg[i]!]![list.row[i]!]!;
  return out;
}

/** What the candidate scan reads (see scanCandidates). */
interface Scan {
  list: EventList;
  bits: Uint32Array[];
  stageBit: number[];
  keyFns: Array<(seg: number, row: number) => KeyIds>;
  sameKeys: boolean;
  interner: KeyInterner;
  partials: Partials;
  untilKey: ((seg: number, row: number) => KeyIds) | null;
  untilBit: number;
  limit: number;
  /** Sequences completed so far. */
  done: () => number;
  cancel: CancelToken | undefined;
}

/**
 * The state machine over the candidates in event order: each event steps the stages it matches
 * (last stage first, so one event does not move a sequence two stages), then an until event ends
 * its keys' partial sequences. Its own function, apart from the executor's setup, so it is
 * compiled once with full type feedback.
 */
function scanCandidates(c: Scan): void {
  const { list, bits, stageBit, keyFns, sameKeys, interner, partials, untilKey, untilBit, limit } = c;
  const nPos = stageBit.length;
  const batchMask = BATCH_ROWS - 1;
  const nullKey = NULL_KEY;
  for (let i = 0; i < list.length; i++) {
    if (c.done() >= limit) break;
    if ((i & batchMask) === 0) checkCancelled(c.cancel);
    const s = list.seg[i]!;
    const r = list.row[i]!;
    const b = bits[s]![r]!;
    let eventKeys: KeyIds | null = null;
    for (let st = nPos - 1; st >= 0; st--) {
      if (!(b & stageBit[st]!)) continue;
      // Usually every stage joins on the same keys (`sequence by …`): read them once per event.
      const keys = sameKeys ? (eventKeys ??= keyFns[0]!(s, r)) : keyFns[st]!(s, r);
      if (interner.size > partials.capacity) partials.reserve(interner.size);
      if (typeof keys === "number") {
        if (keys !== nullKey) partials.step(i, st, keys);
      } else for (const k of keys) partials.step(i, st, k);
    }
    // After the stages: an until event ends sequences that reached it, but not one it completes.
    if (untilKey && b & untilBit) {
      partials.reserve(interner.size);
      forEachKey(untilKey(s, r), (k) => partials.end(k));
    }
  }
}
