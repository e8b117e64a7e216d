/**
 * Per-row scratch arrays kept across queries: an aggregation over 700 000 rows needs a few
 * Int32Arrays of that length only while it runs, and allocating them afresh each time (8 MB for a
 * two-key stats) made the garbage collector run full collections of a heap holding the whole
 * dataset in the middle of the next queries. Queries run one at a time (one worker, synchronous
 * executors), and a caller uses its arrays only until it returns.
 */
const pool: Int32Array[] = [];

/** Scratch array `slot` with room for `n` entries (contents undefined). */
export function scratchInt32(slot: number, n: number): Int32Array {
  const a = pool[slot];
  if (a && a.length >= n) return a;
  const b = new Int32Array(Math.max(n, a ? a.length * 2 : 1024));
  pool[slot] = b;
  return b;
}

/** Scratch slots, one per simultaneous use. */
export const SCRATCH = { groupOf: 0, codes0: 1, timechartBuckets: 5 } as const;
