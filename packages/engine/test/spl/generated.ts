import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dataset, columnOf, ingestBytes, valueAt, type Scalar } from "../../src/index.ts";
// The generator is the datasets package's public API (its barrel); imported by path because the
// engine cannot depend on @quarry/datasets, which depends on the engine.
import type { Manifest } from "../../../datasets/src/index.ts";
import { generateToDirectory } from "../../../datasets/src/node.ts";

/** A generated BOTSv2-style set loaded through ingest, with its manifest (ground truth). */
export interface Generated {
  ds: Dataset;
  manifest: Manifest;
}

const cache = new Map<string, Generated>();

/**
 * Generates `events` events with `seed` into a temporary directory (as `quarry generate` does) and
 * loads every file listed in its manifest.json, as a user dropping them would; the directory is
 * removed afterwards.
 */
export function generated(events = 20000, seed = "spl-001"): Generated {
  const key = `${events}:${seed}`;
  let g = cache.get(key);
  if (!g) {
    const dir = mkdtempSync(join(tmpdir(), "quarry-spl-"));
    try {
      generateToDirectory(dir, { events, seed });
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
      const ds = new Dataset();
      for (const f of manifest.files) ingestBytes(ds, f.name, readFileSync(join(dir, f.name)));
      g = { ds, manifest };
      cache.set(key, g);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return g;
}

/** Reads one field of the current event (aliases followed). */
export type Get = (field: string) => Scalar | Scalar[];

/**
 * An oracle independent of the SPL engine: calls `fn` for every event with a field reader, the
 * raw text, the time (ms) and the sourcetype, straight from the store.
 */
export function scan(ds: Dataset, fn: (get: Get, raw: string, time: number, sourcetype: string) => void): void {
  for (const seg of ds.segments) {
    const cols = new Map<string, ReturnType<typeof columnOf>>();
    for (let r = 0; r < seg.rowCount; r++) {
      const get: Get = (f) => {
        if (!cols.has(f)) cols.set(f, columnOf(seg, f));
        return valueAt(cols.get(f), r);
      };
      fn(get, seg.raw[r]!, seg.time[r]!, seg.sourcetype);
    }
  }
}

/** Whether raw text contains `word` as a whole token, case-insensitively (Splunk's term match). */
export function hasTerm(raw: string, word: string): boolean {
  const esc = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${esc}(?![\\p{L}\\p{N}_])`, "iu").test(raw);
}

/** The first value as text ("" when absent). */
export function text(v: Scalar | Scalar[]): string {
  const x = Array.isArray(v) ? v[0] : v;
  return x === null || x === undefined ? "" : String(x);
}

/** Increments a count in a record. */
export function bump(m: Record<string, number>, k: string, n = 1): void {
  m[k] = (m[k] ?? 0) + n;
}
