/** Timing: warm-up runs, then N timed runs summarised as median, min and p90. */

export interface Timing {
  median: number;
  min: number;
  p90: number;
  runs: number;
}

/** Median, min and 90th percentile (nearest rank) of run times in ms. */
export function summarize(times: number[]): Timing {
  const s = [...times].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const median = s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, min: s[0]!, p90: at(0.9), runs: s.length };
}

/** Runs `fn` `warmup` times untimed, then `reps` times timed; returns the timing and the last result. */
export async function measure<T>(fn: () => T | Promise<T>, reps: number, warmup = 1): Promise<{ timing: Timing; result: T }> {
  let result!: T;
  for (let i = 0; i < warmup; i++) result = await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { timing: summarize(times), result };
}
