/** The report: a Markdown table (every engine's time, Quarry's ratio to each, targets ✓/✗) and its JSON. */
import type { OpId } from "./quarry-ops.ts";
import type { OpResult, RunResult } from "./run.ts";
import type { Timing } from "./timing.ts";

/** Figures measured in headless Chromium (Web Worker), when that part ran. */
export interface BrowserResult {
  ingestNdjsonMBs: number;
  ingestAllMBs: number;
  ingestAllMs: Timing;
  ops: Partial<Record<OpId, Timing>>;
  userAgent: string;
}

const LABEL: Record<OpId, string> = {
  eq: "equality filter",
  in: "IN filter",
  wildcard: "wildcard on command lines",
  statsHost: "stats count by host",
  stats2: "count by two keys",
  sankey: "ParentProcessId→ProcessId Sankey",
  timechart: "timechart span=1m by host",
  sequence: "3-stage sequence by pid, maxspan",
};

/** Target time in ms per operation (at 1M events; the sequence allows 300 ms at 5M). */
export function targetMs(op: OpId, events: number): number {
  switch (op) {
    case "eq":
    case "in":
    case "wildcard":
      return 5;
    case "statsHost":
      return 10;
    case "stats2":
    case "sankey":
    case "timechart":
      return 30;
    case "sequence":
      return events > 2_000_000 ? 300 : 50;
  }
}

export const TARGET_INGEST_MBS = 60;
/** Windows event XML and binary EVTX (issue #4). */
export const TARGET_XML_MBS = 30;
export const TARGET_BYTES_PER_EVENT = 250;
export const TARGET_VS_WASM = 5;

const ms = (t: Timing | undefined) => (t ? (t.median < 10 ? t.median.toFixed(2) : t.median < 100 ? t.median.toFixed(1) : t.median.toFixed(0)) : "—");
const spread = (t: Timing) => `${ms(t)} (${ms({ ...t, median: t.min })}–${ms({ ...t, median: t.p90 })})`;
const ratio = (q: Timing, p: Timing | undefined) => (p ? `${(p.median / q.median).toFixed(1)}×` : "—");
const mark = (ok: boolean) => (ok ? "✓" : "✗");

/** The JSON written to results/latest.json. */
export function toJson(r: RunResult, peers: string[], browser: BrowserResult | null, meta: Record<string, unknown>): unknown {
  const ndjson = r.ingest.find((i) => i.engine === "quarry" && i.input === "NDJSON")!;
  const wasm = peers.includes("duckdb-wasm");
  return {
    ...meta,
    events: r.events,
    rawBytes: r.rawBytes,
    ingest: r.ingest,
    memory: { ...r.memory, target: TARGET_BYTES_PER_EVENT, met: r.memory.storeBytesPerEvent <= TARGET_BYTES_PER_EVENT },
    ingestTarget: { mbPerSec: TARGET_INGEST_MBS, met: ndjson.mbPerSec >= TARGET_INGEST_MBS },
    ingestXmlTarget: {
      mbPerSec: TARGET_XML_MBS,
      met: r.ingest.filter((x) => x.engine === "quarry" && (x.input === "XmlWinEventLog" || x.input.startsWith("EVTX"))).every((x) => x.mbPerSec >= TARGET_XML_MBS),
    },
    ops: r.ops.map((o) => ({
      ...o,
      label: LABEL[o.id],
      targetMs: targetMs(o.id, r.events),
      met: o.quarry.median <= targetMs(o.id, r.events),
      vsDuckdbWasm: wasm ? o.peers["duckdb-wasm"]!.median / o.quarry.median : null,
      metVsDuckdbWasm: wasm ? o.peers["duckdb-wasm"]!.median / o.quarry.median >= TARGET_VS_WASM : null,
      chromium: browser?.ops[o.id] ?? null,
    })),
    chromium: browser,
  };
}

/** The Markdown report. */
export function toMarkdown(r: RunResult, peers: string[], browser: BrowserResult | null, reps: number): string {
  const out: string[] = [];
  const mb = (r.rawBytes / 1e6).toFixed(0);
  out.push(`### ${r.events.toLocaleString("en-US")} events (${mb} MB raw), median of ${reps} runs after a warm-up (min–p90 in brackets), ms`);
  out.push("");
  const head = ["operation", "Quarry (Node)", ...(browser ? ["Quarry (Chromium worker)"] : []), ...peers.flatMap((p) => [p, `vs ${p}`]), "target", "met", ...(peers.includes("duckdb-wasm") ? [`≥${TARGET_VS_WASM}× wasm`] : [])];
  out.push(`| ${head.join(" | ")} |`);
  out.push(`|${head.map(() => "---").join("|")}|`);
  for (const o of r.ops) out.push(`| ${row(o, r.events, peers, browser).join(" | ")} |`);
  out.push("");
  out.push("Ingest (median; Quarry from the raw formats, peers from the flattened CSV/Arrow of the same events):");
  out.push("");
  out.push("| engine | input | MB | ms | MB/s | events/s |");
  out.push("|---|---|---|---|---|---|");
  for (const i of r.ingest) out.push(`| ${i.engine} | ${i.input} | ${(i.bytes / 1e6).toFixed(0)} | ${spread(i.timing)} | ${i.mbPerSec.toFixed(1)} | ${Math.round(i.eventsPerSec).toLocaleString("en-US")} |`);
  if (browser) out.push(`| quarry (Chromium worker) | NDJSON / all raw | | ${spread(browser.ingestAllMs)} (all) | ${browser.ingestNdjsonMBs.toFixed(1)} / ${browser.ingestAllMBs.toFixed(1)} | |`);
  out.push("");
  const nd = r.ingest.find((i) => i.engine === "quarry" && i.input === "NDJSON")!;
  out.push(`- Ingest NDJSON ≥${TARGET_INGEST_MBS} MB/s: ${nd.mbPerSec.toFixed(1)} MB/s ${mark(nd.mbPerSec >= TARGET_INGEST_MBS)}`);
  for (const i of r.ingest.filter((x) => x.engine === "quarry" && (x.input === "XmlWinEventLog" || x.input.startsWith("EVTX")))) {
    out.push(`- Ingest ${i.input} ≥${TARGET_XML_MBS} MB/s: ${i.mbPerSec.toFixed(1)} MB/s ${mark(i.mbPerSec >= TARGET_XML_MBS)}`);
  }
  out.push(
    `- Store bytes per event besides _raw ≤${TARGET_BYTES_PER_EVENT}: ${r.memory.storeBytesPerEvent.toFixed(0)} ${mark(r.memory.storeBytesPerEvent <= TARGET_BYTES_PER_EVENT)} ` +
      `(columns + dictionaries; heap growth minus raw text: ${r.memory.heapBytesPerEvent.toFixed(0)}; raw text ${r.memory.rawCharsPerEvent.toFixed(0)} chars/event)`,
  );
  return out.join("\n") + "\n";
}

function row(o: OpResult, events: number, peers: string[], browser: BrowserResult | null): string[] {
  const t = targetMs(o.id, events);
  const cells = [`${LABEL[o.id]} (${o.answer})`, spread(o.quarry)];
  if (browser) cells.push(browser.ops[o.id] ? spread(browser.ops[o.id]!) : "—");
  for (const p of peers) cells.push(o.peers[p] ? spread(o.peers[p]!) : "—", ratio(o.quarry, o.peers[p]));
  cells.push(`≤${t}`, mark(o.quarry.median <= t));
  if (peers.includes("duckdb-wasm")) {
    const w = o.peers["duckdb-wasm"];
    cells.push(w ? mark(w.median / o.quarry.median >= TARGET_VS_WASM) : "—");
  }
  return cells;
}
