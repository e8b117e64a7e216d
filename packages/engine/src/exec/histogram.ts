import { columnOf } from "../store/dataset.ts";
import { dictColumn } from "../store/slice.ts";
import type { Column } from "../store/types.ts";
import type { SegmentRows } from "./field-stats.ts";

/** What to draw: the split field, the bucket count wanted and optional fixed bounds. */
export interface HistogramRequest {
  /** Split the counts by this field (e.g. `sourcetype`); absent = one series. */
  splitBy?: string;
  /** About how many buckets to aim for; the interval is rounded to a readable step. */
  targetBuckets?: number;
  /** Largest number of named series; the rest are summed into "other". */
  maxSeries?: number;
  /** Fixed bounds in ms; absent = the span of the events. */
  earliest?: number;
  latest?: number;
}

/** Event counts per time bucket, one series per split value. */
export interface Histogram {
  /** Start of the first bucket, ms since the epoch. */
  start: number;
  /** Bucket width in ms. */
  interval: number;
  buckets: number;
  series: Array<{ name: string; counts: number[]; total: number }>;
  /** Events with no timestamp, which no bucket holds. */
  untimed: number;
  total: number;
}

/** Readable bucket widths, smallest first. */
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1e3, 2e3, 5e3, 10e3, 15e3, 30e3,
  60e3, 2 * 60e3, 5 * 60e3, 10 * 60e3, 15 * 60e3, 30 * 60e3,
  3600e3, 2 * 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3,
  86400e3, 2 * 86400e3, 7 * 86400e3, 14 * 86400e3, 30 * 86400e3, 90 * 86400e3, 365 * 86400e3,
];

const OTHER = "other";
const NONE = "(none)";

/** The smallest readable step that covers `span` in at most `target` buckets. */
export function niceInterval(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  for (const s of STEPS) if (s >= raw) return s;
  return Math.ceil(raw / STEPS[STEPS.length - 1]!) * STEPS[STEPS.length - 1]!;
}

/**
 * Counts events per time bucket. Two passes: the first finds the time span and the most frequent
 * split values, the second fills one Float64Array of buckets per kept series. Split values are
 * keyed by dictionary id, so no string is built per row.
 */
export function histogram(parts: SegmentRows[], req: HistogramRequest = {}): Histogram {
  const target = Math.min(Math.max(req.targetBuckets ?? 60, 1), 2000);
  const maxSeries = Math.max(req.maxSeries ?? 10, 1);
  let lo = Infinity;
  let hi = -Infinity;
  let untimed = 0;
  let total = 0;
  const hasLo = req.earliest !== undefined && Number.isFinite(req.earliest);
  const hasHi = req.latest !== undefined && Number.isFinite(req.latest);
  const inRange = (t: number): boolean => (!hasLo || t >= req.earliest!) && (!hasHi || t < req.latest!);

  // Pass 1: span and per-value totals.
  const valueTotals = new Map<string, number>();
  const keyers = parts.map((p) => keyer(req.splitBy ? columnOf(p.segment, req.splitBy) : undefined));
  parts.forEach((p, pi) => {
    const n = p.rows ? p.rows.length : p.segment.rowCount;
    const time = p.segment.time;
    const k = keyers[pi]!;
    for (let i = 0; i < n; i++) {
      const r = p.rows ? p.rows[i]! : i;
      const t = time[r]!;
      if (Number.isNaN(t)) {
        untimed++;
        continue;
      }
      if (!inRange(t)) continue;
      total++;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
      k.count(r);
    }
    for (const [name, c] of k.totals()) valueTotals.set(name, (valueTotals.get(name) ?? 0) + c);
  });
  if (hasLo) lo = req.earliest!;
  if (hasHi) hi = req.latest! - 1;
  if (total === 0 || !Number.isFinite(lo)) return { start: hasLo ? lo : 0, interval: 1000, buckets: 0, series: [], untimed, total: 0 };

  const interval = niceInterval(hi - lo + 1, target);
  const start = Math.floor(lo / interval) * interval;
  const buckets = Math.floor((hi - start) / interval) + 1;
  const ranked = [...valueTotals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, maxSeries).map(([name]) => name);
  const hasOther = ranked.length > maxSeries;
  const names = hasOther ? [...kept, OTHER] : kept;
  const seriesIndex = new Map(names.map((n, i) => [n, i]));
  const counts = names.map(() => new Float64Array(buckets));

  // Pass 2: fill buckets.
  parts.forEach((p, pi) => {
    const n = p.rows ? p.rows.length : p.segment.rowCount;
    const time = p.segment.time;
    const k = keyers[pi]!;
    const slot = k.slots((name) => seriesIndex.get(name) ?? seriesIndex.get(OTHER) ?? -1);
    for (let i = 0; i < n; i++) {
      const r = p.rows ? p.rows[i]! : i;
      const t = time[r]!;
      if (Number.isNaN(t) || !inRange(t)) continue;
      const s = slot(r);
      if (s >= 0) counts[s]![Math.floor((t - start) / interval)]!++;
    }
  });
  const series = names.map((name, i) => {
    const c = Array.from(counts[i]!);
    return { name, counts: c, total: c.reduce((a, b) => a + b, 0) };
  });
  return { start, interval, buckets, series, untimed, total };
}

/** Maps rows of one column to split values: counts them, then assigns each value a series slot. */
interface Keyer {
  count(row: number): void;
  totals(): Iterable<[string, number]>;
  slots(slotOf: (name: string) => number): (row: number) => number;
}

function keyer(column: Column | undefined): Keyer {
  // Splitting by a near-unique text field needs ids like any other split field.
  const col = dictColumn(column);
  if (!col) {
    let n = 0;
    return {
      count: () => void n++,
      totals: () => (n > 0 ? [[NONE, n]] : []),
      slots: (slotOf) => {
        const s = slotOf(NONE);
        return () => s;
      },
    };
  }
  switch (col.kind) {
    case "str":
    case "multi": {
      // Multi-value rows are split by their first value so each event is counted once.
      const first = col.kind === "str" ? (r: number) => col.ids[r]! : (r: number) => (col.offsets[r]! < col.offsets[r + 1]! ? col.ids[col.offsets[r]!]! : 0);
      const counts = new Uint32Array(col.dict.size);
      return {
        count: (r) => void counts[first(r)]!++,
        totals: function* () {
          for (let id = 0; id < counts.length; id++) if (counts[id]! > 0) yield [id === 0 ? NONE : col.dict.values[id]!, counts[id]!];
        },
        slots: (slotOf) => {
          const map = new Int32Array(counts.length).fill(-2);
          return (r) => {
            const id = first(r);
            let s = map[id]!;
            if (s === -2) s = map[id] = slotOf(id === 0 ? NONE : col.dict.values[id]!);
            return s;
          };
        },
      };
    }
    case "num": {
      const counts = new Map<number, number>();
      const label = (v: number) => (Number.isNaN(v) ? NONE : String(v));
      return {
        count: (r) => {
          const v = col.values[r]!;
          counts.set(v, (counts.get(v) ?? 0) + 1);
        },
        totals: function* () {
          for (const [v, c] of counts) yield [label(v), c];
        },
        slots: (slotOf) => {
          const cache = new Map<number, number>();
          return (r) => {
            const v = col.values[r]!;
            let s = cache.get(v);
            if (s === undefined) cache.set(v, (s = slotOf(label(v))));
            return s;
          };
        },
      };
    }
  }
}
