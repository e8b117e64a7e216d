import { readFileSync } from "node:fs";
import { gzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import { rng as prng } from "../support/rng.ts";

/**
 * Damaged copies of real files (bytes flipped, cut short, chunked oddly): ingest never throws,
 * never hangs, and accounts for the input — every damaged file yields events or problems.
 */

const DATA = "../../../../../shared/datasets/";
const read = (rel: string) => new Uint8Array(readFileSync(new URL(DATA + rel, import.meta.url)));

const FILES = [
  "splunk-attack-data-xmlwineventlog/T1003_test5_sysmon.log",
  "evtx-derived-xmlwineventlog/powershell_operational_xmlwineventlog.log",
  "suricata-eve-beats-testdata/eve-small.log",
  "suricata-eve-wrccdc/honeypot-2018_alerts-only.json",
  "zeek-btest-baselines/opt.basic__http.log",
  "pan-traffic-beats-testdata/traffic_subset.log",
  "atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json",
];

function damage(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = bytes.slice(0, Math.max(1, Math.floor(bytes.length * (0.3 + 0.7 * rand()))));
  const flips = 1 + Math.floor(rand() * 20);
  for (let i = 0; i < flips; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  return out;
}

describe("damaged real files", () => {
  it("flipped bytes and cut files: no throw, everything accounted for", { timeout: 60_000 }, () => {
    const rand = prng(20170824);
    for (const file of FILES) {
      const original = read(file);
      for (let round = 0; round < 25; round++) {
        const bytes = damage(original, rand);
        const chunk = 1 + Math.floor(rand() * 4096);
        const variants: Array<[string, Uint8Array]> = [
          [file, bytes],
          [file + ".gz", gzipSync(bytes).subarray(0, Math.floor(bytes.length * rand()) + 10)],
        ];
        if (round % 5 === 0) variants.push([file + ".zip", zipSync({ "a.log": bytes, "b.log": original })]);
        for (const [name, data] of variants) {
          const ds = new Dataset();
          let sum;
          expect(() => {
            sum = ingestBytes(ds, name, data, chunk);
          }, `${name} round ${round}`).not.toThrow();
          expect(sum!.events + sum!.problemTotal, `${name} round ${round}`).toBeGreaterThan(0);
          expect(ds.rowCount).toBe(sum!.events);
        }
      }
    }
  });
});
