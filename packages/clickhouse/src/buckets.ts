/**
 * The engine's timechart buckets as a SQL expression of `_ms`. 18.16 has no toStartOfInterval,
 * and the engine's buckets follow the query's timezone (local wall-clock multiples of the span,
 * local days and months, DST included), so the bucket of an event is not plain arithmetic.
 *
 * Instead: time is cut into fine buckets `intDiv(_ms, g)` that never straddle a bucket edge — for
 * spans of a day or more the engine's bucket is constant on each UTC quarter hour (it caches on
 * that), so g = 15 min; below a day buckets start on local multiples of the span and zone
 * offsets change on whole minutes, so every edge is a multiple of g = gcd(span, 1 min). Every
 * fine bucket of the range is checked with the engine's own `bucketStart` (its first and last
 * millisecond fall in the same bucket), and the map fine bucket → bucket index, a step function,
 * is written as a few linear pieces (`multiIf(fb < F1, i0 + intDiv(fb - F0, L0), …)`): one piece
 * per run of equally long buckets, so a UTC or fixed-offset range is one piece, a DST zone adds
 * two a year, months one per change of month length.
 */
import { MAX_BUCKETS, bucketStart, bucketStarts } from "@quarry/engine";

const DAY = 86_400_000;
const QUARTER_HOUR = 900_000;
const MINUTE = 60_000;
/** Most fine buckets checked one by one; beyond, the query is streamed. */
const MAX_FINE = 2_000_000;
/** Most linear pieces in the SQL. */
const MAX_PIECES = 2_000;

/** The buckets over a time range and the SQL giving each event's bucket index. */
export interface TimeBuckets {
  /** Bucket starts (epoch ms), as the engine draws them from the first to the last. */
  starts: number[];
  /** Bucket index (0-based, into `starts`) of the event's `_ms`. */
  sql: string;
}

/** The engine's buckets over [lo, hi] (ms, lo ≥ 0) for `span` in `tz`; null when no exact SQL form was found. */
export function timeBuckets(lo: number, hi: number, span: number, tz: string): TimeBuckets | null {
  // The engine's own walk over the buckets.
  const starts = bucketStarts(lo, hi, span, tz, MAX_BUCKETS);
  const index = new Map<number, number>();
  starts.forEach((s, i) => index.set(s, i));
  const g = span >= DAY ? QUARTER_HOUR : gcd(span, MINUTE);
  const f0 = Math.floor(lo / g);
  const f1 = Math.floor(hi / g);
  if (!(f0 >= 0) || f1 - f0 + 1 > MAX_FINE) return null;
  // Runs of fine buckets with the same bucket index.
  const runs: Array<{ from: number; len: number; idx: number }> = [];
  for (let f = f0; f <= f1; f++) {
    const s = bucketStart(f * g, span, tz);
    if (bucketStart(f * g + g - 1, span, tz) !== s) return null;
    const idx = index.get(s);
    if (idx === undefined) return null;
    const last = runs[runs.length - 1];
    if (last && last.idx === idx) last.len++;
    else {
      // The engine's bucket index only grows with time; anything else is not a step function.
      if (last && idx !== last.idx + 1) return null;
      runs.push({ from: f, len: 1, idx });
    }
  }
  // Linear pieces: consecutive runs of one length L, run j of a piece covering [from + jL, from + (j+1)L).
  // The range's first and last runs may be cut short (no event lies beyond them): the first is
  // then anchored L before the second run, the last simply ends early.
  const pieces: Array<{ from: number; len: number; idx: number; runs: number }> = [];
  runs.forEach((r, i) => {
    const p = pieces[pieces.length - 1];
    if (p && r.from === p.from + p.runs * p.len && (r.len === p.len || (i === runs.length - 1 && r.len < p.len))) p.runs++;
    else if (p && i === 1 && r.len > p.len) Object.assign(p, { from: r.from - r.len, len: r.len, runs: 2 });
    else pieces.push({ from: r.from, len: r.len, idx: r.idx, runs: 1 });
  });
  if (pieces.length === 0 || pieces.length > MAX_PIECES) return null;
  const fb = `intDiv(_ms, ${g})`;
  const value = (p: (typeof pieces)[number]) => (p.runs === 1 ? `${p.idx}` : `${p.idx} + intDiv(${fb} - ${p.from}, ${p.len})`);
  const sql =
    pieces.length === 1
      ? value(pieces[0]!)
      : `multiIf(${pieces
          .slice(1)
          .map((p, i) => `${fb} < ${p.from}, ${value(pieces[i]!)}`)
          .join(", ")}, ${value(pieces[pieces.length - 1]!)})`;
  return { starts, sql };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
