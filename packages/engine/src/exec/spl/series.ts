import { compareScalarsSpl } from "./values.ts";

/** One timechart/chart series: its count per bucket and its total. */
export interface SeriesCounts {
  counts: Float64Array;
  total: number;
}

/** Splunk's column order of series names: as values, NULL last. */
export function compareSeriesNames(a: string, b: string): number {
  return a === "NULL" ? 1 : b === "NULL" ? -1 : compareScalarsSpl(a, b);
}

/**
 * Splunk's `limit` on timechart/chart series: keeps the `limit` largest series by total (ties by
 * name), sums the others per bucket into OTHER, and returns the kept names in column order.
 * Shared by the local executor and the ClickHouse backend so both shape series identically.
 */
export function limitSeries(
  series: Map<string, SeriesCounts>,
  limit: number,
  buckets: number,
): { keys: string[]; other: Float64Array; hasOther: boolean } {
  let keys = [...series.keys()];
  const other = new Float64Array(buckets);
  let hasOther = false;
  if (limit > 0 && keys.length > limit) {
    const ranked = [...keys].sort((a, b) => series.get(b)!.total - series.get(a)!.total || (a < b ? -1 : 1));
    const kept = new Set(ranked.slice(0, limit));
    for (const k of keys) {
      if (kept.has(k)) continue;
      hasOther = true;
      const c = series.get(k)!.counts;
      for (let b = 0; b < buckets; b++) other[b]! += c[b]!;
    }
    keys = keys.filter((k) => kept.has(k));
  }
  keys.sort(compareSeriesNames);
  return { keys, other, hasOther };
}
