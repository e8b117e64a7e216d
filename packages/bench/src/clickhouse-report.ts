/** The ClickHouse benchmark's report: a Markdown table of query timings and one of loads, and the JSON. */
import type { ChOpId, ClickHouseResult } from "./clickhouse-run.ts";
import type { Timing } from "./timing.ts";

const LABEL: Record<ChOpId, string> = {
  statsHost: "stats count by host",
  timechart: "timechart span=1m limit=0 count by host",
  sequence: "3-stage sequence by pid, maxspan=5m",
};

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const spread = (t: Timing) => `${ms(t.median)} (${ms(t.min)}–${ms(t.p90)})`;
const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** The JSON written to results/clickhouse.json. */
export function clickhouseJson(r: ClickHouseResult, meta: Record<string, unknown>): unknown {
  return { ...meta, ...r, ops: r.ops.map((o) => ({ ...o, label: LABEL[o.id] })) };
}

/** The Markdown report. */
export function clickhouseMarkdown(r: ClickHouseResult): string {
  const out: string[] = [];
  const big = count(r.events);
  const small = count(r.localEvents);
  const runs = r.scaleReps === r.reps ? `${r.reps} runs` : `${r.reps} runs (${r.scaleReps} at ${big})`;
  out.push(`### ClickHouse at ${big} events, Quarry local at ${small}: median of ${runs} after a warm-up (min–p90), ms`);
  out.push("");
  out.push(`| operation | Quarry local (${small}) | ClickHouse (${small}) | ClickHouse (${big}) | answer at ${small} | answer at ${big} |`);
  out.push("|---|---|---|---|---|---|");
  for (const o of r.ops) out.push(`| ${LABEL[o.id]} | ${spread(o.local)} | ${spread(o.clickhouseLocalSize)} | ${spread(o.clickhouseScale)} | ${o.answer} | ${o.scaleAnswer} |`);
  out.push("");
  out.push("Loads (one run each; CPU seconds of this Node process and of clickhouse-server while loading):");
  out.push("");
  out.push("| load | events | MB | s | MB/s | events/s | Node CPU s | server CPU s | parts after |");
  out.push("|---|---|---|---|---|---|---|---|---|");
  for (const l of r.loads) {
    out.push(
      `| ${l.what} | ${count(l.events)} | ${(l.bytes / 1e6).toFixed(0)} | ${(l.ms / 1000).toFixed(1)} | ${l.mbPerSec.toFixed(1)} | ${count(l.eventsPerSec)} | ${l.nodeCpuSeconds.toFixed(1)} | ${l.serverCpuSeconds === null ? "—" : l.serverCpuSeconds.toFixed(1)} | ${l.parts ?? "—"} |`,
    );
  }
  out.push("");
  out.push(`- Background merges after the ${big}-event load: ${r.mergeSecondsAfterLoad.toFixed(0)} s; ${r.partsBeforeQueries} active parts when the queries ran.`);
  out.push(`- Cross-checked at ${small} events (ClickHouse answer = local answer): ${r.crossChecks.join("; ")}.`);
  out.push(`- Server: clickhouse-server 18.16, ${JSON.stringify(r.server)}.`);
  return out.join("\n") + "\n";
}
