import { readFileSync, readdirSync } from "node:fs";
import { Dataset, eventFields, ingestBytes } from "../../src/index.ts";
import type { IngestSummary, Scalar } from "../../src/index.ts";

export const EVTX_DIR = new URL("../../../../../shared/datasets/evtx-attack-samples/", import.meta.url);
export const DERIVED_DIR = new URL("../../../../../shared/datasets/evtx-derived-xmlwineventlog/", import.meta.url);

/** The 15 sample files, sorted by name. */
export function evtxFiles(): string[] {
  return readdirSync(EVTX_DIR)
    .filter((f) => f.endsWith(".evtx"))
    .sort();
}

export function readSample(name: string, dir: URL = EVTX_DIR): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, dir)));
}

/** One stored event as the tests compare it. */
export interface StoredEvent {
  fields: Record<string, Scalar | Scalar[]>;
  raw: string;
  time: number;
}

/** Every event of a dataset, in segment order. */
export function allEvents(ds: Dataset): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const seg of ds.segments) {
    for (let row = 0; row < seg.rowCount; row++) {
      out.push({ fields: eventFields(seg, row), raw: seg.raw[row]!, time: seg.time[row]! });
    }
  }
  return out;
}

/** Loads files into one dataset, returning the summaries. */
export function load(ds: Dataset, names: string[], dir: URL = EVTX_DIR, chunkSize?: number): IngestSummary[] {
  return names.map((n) => ingestBytes(ds, n, readSample(n, dir), chunkSize));
}
