/**
 * The typed-array k-way merge (`mergeSelections` → `mergeRuns`) against the definition of the
 * order: every selected event sorted with `compareEvents`. Segments are built by hand with
 * interleaved, often equal times, NaN times, and order keys with NaN and tiebreakers, so runs are
 * short and every branch of the comparison is taken.
 */
import { describe, expect, it } from "vitest";
import { Dataset } from "../../src/store/dataset.ts";
import type { Segment } from "../../src/store/types.ts";
import { compareEvents, mergeSelections, type EventList, type OrderKeys } from "../../src/exec/event-list.ts";
import { radixOrder } from "../../src/exec/global-order.ts";
import { rng } from "../support/rng.ts";

/** Segments stored as the store stores them: (time, seq) ascending with NaN first; seq unique across the dataset. */
function dataset(seed: number, segments: number, maxRows = 60, ds = new Dataset()): Dataset {
  const rand = rng(seed);
  const sizes = Array.from({ length: segments }, () => 1 + Math.floor(rand() * maxRows));
  const total = sizes.reduce((a, b) => a + b, 0);
  // Shuffled seqs, so seq order is not segment order.
  const firstSeq = ds.segments.reduce((n, sg) => n + sg.rowCount, 0);
  const seqs = Array.from({ length: total }, (_, i) => firstSeq + i);
  for (let i = seqs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
  }
  let next = 0;
  sizes.forEach((n) => {
    const id = ds.segments.length;
    const rows = Array.from({ length: n }, () => ({ t: rand() < 0.1 ? NaN : Math.floor(rand() * 20 * maxRows), seq: seqs[next++]! }));
    rows.sort((a, b) => (Number.isNaN(a.t) ? (Number.isNaN(b.t) ? 0 : -1) : Number.isNaN(b.t) ? 1 : a.t - b.t) || a.seq - b.seq);
    const seg: Segment = {
      id,
      rowCount: n,
      time: Float64Array.from(rows, (r) => r.t),
      seq: Uint32Array.from(rows, (r) => r.seq),
      raw: rows.map(() => ""),
      columns: new Map(),
      aliases: new Map(),
      sourcetype: `s${id}`,
    };
    ds.segments.push(seg);
  });
  return ds;
}

/** A random ascending selection of each segment's rows (some segments empty). */
function selection(ds: Dataset, rand: () => number, density = 0.6): Array<Uint32Array | null> {
  return ds.segments.map((seg) => {
    if (rand() < 0.15) return null;
    const rows: number[] = [];
    for (let r = 0; r < seg.rowCount; r++) if (rand() < density) rows.push(r);
    return Uint32Array.from(rows);
  });
}

/** The definition: all selected events sorted with compareEvents. */
function reference(ds: Dataset, perSeg: Array<Uint32Array | null>, keys: OrderKeys | null): Array<[number, number]> {
  const all: Array<[number, number]> = [];
  perSeg.forEach((rows, s) => rows?.forEach((r) => all.push([s, r])));
  return all.sort((a, b) => compareEvents(ds, keys, a[0], a[1], b[0], b[1]));
}

const pairs = (l: EventList): Array<[number, number]> => Array.from({ length: l.length }, (_, i) => [l.seg[i]!, l.row[i]!]);

describe("mergeSelections", () => {
  it("merges segment time order (NaN first) exactly as compareEvents orders it", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const ds = dataset(seed, 1 + (seed % 12));
      const perSeg = selection(ds, rng(seed * 7));
      expect(pairs(mergeSelections(ds, perSeg))).toEqual(reference(ds, perSeg, null));
    }
  });

  it("merges by order keys (NaN last) with and without tiebreakers, sorting segments that are out of key order", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const ds = dataset(seed, 2 + (seed % 9));
      const rand = rng(seed * 13);
      const keys: OrderKeys = {
        // Half the segments keep their stored time as the key (the common EQL case), the others get
        // keys that disagree with the stored order.
        ts: ds.segments.map((s) => (rand() < 0.5 ? s.time : Float64Array.from(s.time, () => (rand() < 0.15 ? NaN : Math.floor(rand() * 10))))),
        // A tiebreaker field gives every segment keys (NaN where absent), or none has any.
        tb: ds.segments.map((s) => (seed % 2 === 0 ? Float64Array.from(s.time, () => (rand() < 0.2 ? NaN : Math.floor(rand() * 3))) : null)),
      };
      const perSeg = selection(ds, rand);
      const merged = pairs(mergeSelections(ds, perSeg, keys));
      expect(merged).toEqual(reference(ds, perSeg, keys));
    }
  });

  it("orders large selections (through the global ranks) exactly, and again after a segment is added", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const ds = dataset(seed, 3 + seed, 3000);
      const rand = rng(seed * 31);
      const timeKeys = (): OrderKeys => ({ ts: ds.segments.map((s) => s.time), tb: ds.segments.map(() => null) });
      for (let round = 0; round < 2; round++) {
        const perSeg = selection(ds, rand);
        expect(perSeg.reduce((n, r) => n + (r?.length ?? 0), 0)).toBeGreaterThan(2048);
        expect(pairs(mergeSelections(ds, perSeg))).toEqual(reference(ds, perSeg, null));
        // EQL keys that are the stored time: NaN moves from first to last.
        expect(pairs(mergeSelections(ds, perSeg, timeKeys()))).toEqual(reference(ds, perSeg, timeKeys()));
        // New events interleave with the old ones: the ranks must follow.
        dataset(seed + 100, 2, 3000, ds);
      }
    }
  });

  it("orders large sparse selections (ranks sorted, not marked in a bitset) exactly", () => {
    const ds = dataset(7, 12, 60_000);
    const rand = rng(77);
    const timeKeys = (): OrderKeys => ({ ts: ds.segments.map((s) => s.time), tb: ds.segments.map(() => null) });
    const perSeg = selection(ds, rand, 0.012);
    const hits = perSeg.reduce((n, r) => n + (r?.length ?? 0), 0);
    const total = ds.segments.reduce((n, s) => n + s.rowCount, 0);
    expect(hits).toBeGreaterThan(2048);
    expect(hits * 64).toBeLessThan(total);
    expect(pairs(mergeSelections(ds, perSeg))).toEqual(reference(ds, perSeg, null));
    expect(pairs(mergeSelections(ds, perSeg, timeKeys()))).toEqual(reference(ds, perSeg, timeKeys()));
  });

  it("keeps long runs of one segment intact and handles a single part", () => {
    const ds = dataset(99, 3);
    const perSeg: Array<Uint32Array | null> = [Uint32Array.from({ length: ds.segments[0]!.rowCount }, (_, i) => i), null, null];
    expect(pairs(mergeSelections(ds, perSeg))).toEqual(reference(ds, perSeg, null));
    expect(mergeSelections(ds, [null, null, null]).length).toBe(0);
  });
});

describe("radixOrder", () => {
  it("orders distinct keys of any width (two passes up to 2^24, three beyond)", () => {
    const rand = rng(5);
    for (const bound of [1, 7, 1 << 10, (1 << 20) + 3, 1 << 24, (1 << 24) + 1, 2 ** 31, 2 ** 32 - 1]) {
      const seen = new Set<number>();
      const n = Math.min(bound, 3000);
      while (seen.size < n) seen.add(Math.floor(rand() * bound));
      const key = Uint32Array.from(seen);
      const order = Array.from(radixOrder(key, bound));
      const want = Array.from(key.keys()).sort((a, b) => key[a]! - key[b]!);
      expect(order).toEqual(want);
    }
  });
});
