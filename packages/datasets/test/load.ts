import { Dataset, columnOf, ingestBytes, valueAt, type IngestSummary, type Scalar, type Segment } from "@quarry/engine";
import { generate, type Manifest } from "../src/index.ts";
import { MemorySink } from "../src/node.ts";

/** A generated set loaded through the engine's ingest, as a user dropping the files would. */
export interface Loaded {
  manifest: Manifest;
  sink: MemorySink;
  ds: Dataset;
  summaries: IngestSummary[];
}

const cache = new Map<string, Loaded>();

/** Generates `events` with `seed` in memory and ingests every file into one dataset (cached per process). */
export function loadGenerated(events: number, seed: string): Loaded {
  const key = `${events}:${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const sink = new MemorySink();
  const manifest = generate({ events, seed }, sink);
  const ds = new Dataset();
  const summaries = manifest.files.map((f) => ingestBytes(ds, f.name, sink.bytes(f.name)));
  const loaded = { manifest, sink, ds, summaries };
  cache.set(key, loaded);
  return loaded;
}

/** A row reader over one segment: field → scalar (multi-values as arrays, aliases followed). */
export type Row = (field: string) => Scalar | Scalar[];

/** Calls `fn` for every event of the sourcetype, in each segment's time order. */
export function eachRow(ds: Dataset, sourcetype: string, fn: (get: Row, time: number, seg: Segment, row: number) => void): void {
  for (const seg of ds.segments) {
    if (seg.sourcetype !== sourcetype) continue;
    const cols = new Map<string, ReturnType<typeof columnOf>>();
    for (let r = 0; r < seg.rowCount; r++) {
      const get: Row = (f) => {
        if (!cols.has(f)) cols.set(f, columnOf(seg, f));
        return valueAt(cols.get(f), r);
      };
      fn(get, seg.time[r]!, seg, r);
    }
  }
}

/** A scalar as text ("" for null). */
export function str(v: Scalar | Scalar[]): string {
  if (v === null) return "";
  return Array.isArray(v) ? v.map((x) => String(x)).join(",") : String(v);
}

export const SYSMON = "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational";
export const SECURITY = "XmlWinEventLog:Security";

/** Whether an IPv4 address is private (RFC 1918). */
export function isPrivate(ip: string): boolean {
  return ip.startsWith("10.") || ip.startsWith("192.168.") || /^172\.(1[6-9]|2\d|3[01])\./.test(ip);
}

/** The image's base name, lower-cased. */
export function exe(image: string): string {
  return image.slice(image.lastIndexOf("\\") + 1).toLowerCase();
}
