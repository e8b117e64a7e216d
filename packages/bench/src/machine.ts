/**
 * What a benchmark run says about the machine it ran on: the machine may be shared, and the load
 * average at the start and the end says how much the timings can be trusted.
 */
import { cpus, loadavg, totalmem } from "node:os";

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The run's facts, for the JSON results (a type alias, so it passes as a record). */
export type RunMeta = {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGB: number;
  loadAverage: { start: number; end: number };
  seconds: number;
};

/** Watches a run from now: `finish` gives its facts and the Markdown line that closes a report. */
export function watchMachine(): { finish(opts?: { seconds?: boolean }): { meta: RunMeta; line: string } } {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  return {
    finish(opts = {}) {
      const loadAtEnd = loadavg()[0]!;
      const seconds = Math.round((Date.now() - started) / 1000);
      const cpu = cpus()[0]?.model;
      const line =
        `${cpus().length} cores (${cpu ?? "unknown CPU"}), Node ${process.version}, 1-minute load average ${round1(loadAtStart)} at start and ${round1(loadAtEnd)} at the end` +
        (opts.seconds ? `; ${seconds} s in all.` : ".");
      const meta: RunMeta = {
        date: new Date().toISOString(),
        node: process.version,
        cpu: cpu ?? "unknown",
        cores: cpus().length,
        memoryGB: Math.round(totalmem() / 2 ** 30),
        loadAverage: { start: round1(loadAtStart), end: round1(loadAtEnd) },
        seconds,
      };
      return { meta, line };
    },
  };
}
