/**
 * The global (time, seq) order of every stored event as a rank per row, built once per dataset,
 * so that putting a selection into global order is a radix sort of integers instead of a k-way
 * merge that compares (time, seq) pairs.
 *
 * Why: with one segment per event kind, the hits of a filter come from many segments whose times
 * interleave event by event (the bench's IN filter: 144 411 hits from 5 segments in 138 752 runs;
 * Stream and Zeek DNS logs hold the same lookups), so the merge compared keys for every hit. The
 * ranks cost 4 bytes per event, are computed on the first large merge after a segment was added
 * (a merge of all rows), and are then shared by every query.
 */
import type { Dataset } from "../store/dataset.ts";
import type { EventList } from "./event-list.ts";
import { mergeRuns, type MergePart } from "./merge.ts";

/** Ranks of one dataset state: `ranks[s][r]` is row r of segment s's position in (time, seq) order. */
interface GlobalRanks {
  segments: number;
  ranks: Uint32Array[];
  /** The inverse: the event at each rank (6 bytes per event), for selections emitted from a bitset. */
  order: EventList;
  /** Events without a time: they take ranks 0 .. nanCount-1 (segments store them first). */
  nanCount: number;
  total: number;
}

const CACHE = new WeakMap<Dataset, GlobalRanks>();

/** The ranks of `ds` (rebuilt when segments were added since). */
export function globalRanks(ds: Dataset): GlobalRanks {
  const hit = CACHE.get(ds);
  if (hit && hit.segments === ds.segments.length) return hit;
  const parts: MergePart[] = [];
  let total = 0;
  let nanCount = 0;
  ds.segments.forEach((seg, s) => {
    const rows = new Uint32Array(seg.rowCount);
    for (let r = 0; r < rows.length; r++) rows[r] = r;
    for (let r = 0; r < seg.rowCount && seg.time[r] !== seg.time[r]; r++) nanCount++;
    if (rows.length) parts.push({ seg: s, rows });
    total += rows.length;
  });
  const ranks = ds.segments.map((seg) => new Uint32Array(seg.rowCount));
  let order: EventList;
  if (parts.length === 1) {
    ranks[parts[0]!.seg]!.forEach((_, r, a) => (a[r] = r));
    order = { seg: new Uint16Array(total).fill(parts[0]!.seg), row: ranks[parts[0]!.seg]!.slice(), length: total };
  } else if (parts.length > 1) {
    order = mergeRuns(ds, null, parts, total);
    for (let i = 0; i < total; i++) ranks[order.seg[i]!]![order.row[i]!] = i;
  } else order = { seg: new Uint16Array(0), row: new Uint32Array(0), length: 0 };
  const out = { segments: ds.segments.length, ranks, order, nanCount, total };
  CACHE.set(ds, out);
  return out;
}

/**
 * Per-segment selections (each part's rows ascending) in global (time, seq) order, through the
 * ranks: an LSD radix sort of (rank, hit) pairs. `nanLast` puts events without a time after the
 * others (EQL order keys) instead of before them (the stored order).
 */
export function mergeByRank(ds: Dataset, parts: MergePart[], total: number, nanLast: boolean): EventList {
  const g = globalRanks(ds);
  // A selection of more than 1/64 of all events: marking its ranks in a bitset and reading the
  // events back in rank order costs a bit per event and a read per hit, less than sorting the hits
  // (1M, the bench's IN filter, 144k hits: sorting was 60% of the query).
  if (total * 64 > g.total) return bitsetOrder(g, parts, total, nanLast);
  const key = new Uint32Array(total);
  const hitSeg = new Uint16Array(total);
  const hitRow = new Uint32Array(total);
  let k = 0;
  // Each phase is its own small function: one long function here was optimized on partial type
  // feedback and deoptimized at the same place on every run of the bench.
  for (const p of parts) k = gatherRanks(g.ranks[p.seg]!, p.rows, p.seg, key, hitSeg, hitRow, k);
  const order = radixOrder(key, g.total);
  // Events without a time hold the lowest ranks: with `nanLast` they move from the front to the end.
  const split = nanLast && g.nanCount > 0 ? countBelow(key, order, g.nanCount) : 0;
  const seg = new Uint16Array(total);
  const row = new Uint32Array(total);
  const out = emitHits(order, split, total, hitSeg, hitRow, seg, row, 0);
  emitHits(order, 0, split, hitSeg, hitRow, seg, row, out);
  return { seg, row, length: total };
}

/** `mergeByRank` through a bitset of the selected ranks. */
function bitsetOrder(g: GlobalRanks, parts: MergePart[], total: number, nanLast: boolean): EventList {
  const bits = new Uint32Array((g.total + 31) >>> 5);
  for (const p of parts) markRanks(g.ranks[p.seg]!, p.rows, bits);
  const seg = new Uint16Array(total);
  const row = new Uint32Array(total);
  // Events without a time hold ranks 0 .. nanCount-1: with `nanLast` they are read last.
  const from = nanLast ? g.nanCount : 0;
  let out = readRanks(bits, from, g.total, g.order, seg, row, 0);
  if (nanLast && g.nanCount > 0) out = readRanks(bits, 0, g.nanCount, g.order, seg, row, out);
  return { seg, row, length: out };
}

/** Sets the bit of each row's rank. */
function markRanks(ranks: Uint32Array, rows: Uint32Array, bits: Uint32Array): void {
  for (let i = 0; i < rows.length; i++) {
    const k = ranks[rows[i]!]!;
    bits[k >>> 5] |= 1 << (k & 31);
  }
}

/** Appends the events of the set ranks in [from, to), in rank order, from position `out`; returns the next position. */
function readRanks(bits: Uint32Array, from: number, to: number, order: EventList, seg: Uint16Array, row: Uint32Array, out: number): number {
  const oseg = order.seg;
  const orow = order.row;
  for (let w = from >>> 5, end = (to + 31) >>> 5; w < end; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      const k = (w << 5) + (31 - Math.clz32(low));
      word ^= low;
      if (k < from || k >= to) continue;
      seg[out] = oseg[k]!;
      row[out] = orow[k]!;
      out++;
    }
  }
  return out;
}

/** key/hitSeg/hitRow[k…] = the rank, segment and row of each of `rows`; returns the next k. */
function gatherRanks(ranks: Uint32Array, rows: Uint32Array, s: number, key: Uint32Array, hitSeg: Uint16Array, hitRow: Uint32Array, k: number): number {
  for (let i = 0; i < rows.length; i++, k++) {
    const r = rows[i]!;
    key[k] = ranks[r]!;
    hitSeg[k] = s;
    hitRow[k] = r;
  }
  return k;
}

/** How many hits, in rank order, have a rank below `bound` (they come first). */
function countBelow(key: Uint32Array, order: Uint32Array, bound: number): number {
  let split = 0;
  while (split < order.length && key[order[split]!]! < bound) split++;
  return split;
}

/** Copies hits order[from…to) to seg/row from position `out`; returns the next position. */
function emitHits(order: Uint32Array, from: number, to: number, hitSeg: Uint16Array, hitRow: Uint32Array, seg: Uint16Array, row: Uint32Array, out: number): number {
  for (let i = from; i < to; i++, out++) {
    const h = order[i]!;
    seg[out] = hitSeg[h]!;
    row[out] = hitRow[h]!;
  }
  return out;
}

/**
 * Positions of `key` in ascending key order (keys < `bound`; equal keys keep their order): an LSD radix sort. Up to
 * 2^24 events it is two passes of half the bits each, whose counts come from one read of the keys;
 * the first pass moves (key, position) pairs so the second reads its input in sequence.
 */
export function radixOrder(key: Uint32Array, bound: number): Uint32Array {
  const n = key.length;
  let bits = 1;
  while (bits < 32 && 2 ** bits < bound) bits++;
  if (bits > 24) return radixOrderWide(key);
  const width = Math.ceil(bits / 2);
  const buckets = 1 << width;
  const mask = buckets - 1;
  const lo = new Uint32Array(buckets);
  const hi = new Uint32Array(buckets);
  for (let i = 0; i < n; i++) {
    const x = key[i]!;
    lo[x & mask]!++;
    hi[x >>> width]!++;
  }
  let a = 0;
  let b = 0;
  for (let j = 0; j < buckets; j++) {
    const c = lo[j]!;
    lo[j] = a;
    a += c;
    const d = hi[j]!;
    hi[j] = b;
    b += d;
  }
  const k1 = new Uint32Array(n);
  const i1 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const x = key[i]!;
    const at = lo[x & mask]!++;
    k1[at] = x;
    i1[at] = i;
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[hi[k1[i]! >>> width]!++] = i1[i]!;
  return out;
}

/** The same for keys of more than 24 bits: three passes of 11 bits. */
function radixOrderWide(key: Uint32Array): Uint32Array {
  const n = key.length;
  let keyIn: Uint32Array = key;
  let idxIn = new Uint32Array(n);
  for (let i = 0; i < n; i++) idxIn[i] = i;
  let keyOut: Uint32Array = new Uint32Array(n);
  let idxOut = new Uint32Array(n);
  const count = new Uint32Array(2048);
  for (let shift = 0; shift < 33; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keyIn[i]! >>> shift) & 2047]!++;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const x = keyIn[i]!;
      const at = count[(x >>> shift) & 2047]!++;
      keyOut[at] = x;
      idxOut[at] = idxIn[i]!;
    }
    // The caller's keys are read, never written.
    const k2 = keyIn === key ? new Uint32Array(n) : keyIn;
    keyIn = keyOut;
    keyOut = k2;
    const i2 = idxIn;
    idxIn = idxOut;
    idxOut = i2;
  }
  return idxIn;
}
