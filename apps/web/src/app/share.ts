import { deflateSync, inflateSync, strFromU8, strToU8 } from "fflate";
import type { QueryLanguage } from "./settings.ts";

/** A file a shared investigation needs, named by content. */
export interface NeededFile {
  name: string;
  bytes: number;
  fingerprint: string;
}

/** Where the shared investigation's data is: the recipient's own files, or a dataset on the ClickHouse server behind the page. */
export type SharedSource = { kind: "local" } | { kind: "clickhouse"; dataset: string };

/**
 * Everything a share URL restores. One versioned object; decoding rejects unknown keys and bad
 * values with a message instead of applying half of it.
 */
export interface ShareState {
  v: 1;
  lang: QueryLanguage;
  query: string;
  timeRange: { earliest: number | null; latest: number | null } | null;
  timeZone: string;
  splitBy: string;
  /** Whether the query ran (the recipient runs it too once the data is there). */
  ran: boolean;
  /** The files loaded when the URL was made. */
  datasets: NeededFile[];
  /** The sample dataset was loaded: the recipient's page loads it by itself. */
  sample: boolean;
  /** Where the queries ran; absent in links made before data sources existed (= local). */
  source?: SharedSource;
}

/** A share URL that cannot be applied, with the reason in plain words. */
export class ShareError extends Error {
  override readonly name = "ShareError";
}

const KEYS = ["v", "lang", "query", "timeRange", "timeZone", "splitBy", "ran", "datasets", "sample"] as const;
/** Keys a link may leave out. */
const OPTIONAL = ["source"] as const;
/** A ClickHouse dataset name as the server accepts it (it becomes part of table names). */
const DATASET = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Longest query text accepted from a URL. */
const MAX_QUERY = 100_000;

/** State → compact URL-safe text (deflate + base64url). */
export function encodeShare(state: ShareState): string {
  const bytes = deflateSync(strToU8(JSON.stringify(state)), { level: 9 });
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** URL text → validated state; throws ShareError naming what is wrong. */
export function decodeShare(text: string): ShareState {
  let json: unknown;
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    json = JSON.parse(strFromU8(inflateSync(bytes)));
  } catch {
    throw new ShareError("the link is damaged: its state could not be decoded");
  }
  return validateShare(json);
}

/** Checks every key and value of a decoded state. */
export function validateShare(x: unknown): ShareState {
  if (!x || typeof x !== "object" || Array.isArray(x)) throw new ShareError("the link's state is not an object");
  const o = x as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k) && !(OPTIONAL as readonly string[]).includes(k));
  if (unknown.length) throw new ShareError(`the link has unknown settings: ${unknown.join(", ")}`);
  for (const k of KEYS) if (!(k in o)) throw new ShareError(`the link lacks "${k}"`);
  if (o.v !== 1) throw new ShareError(`the link is version ${String(o.v)}; this Quarry reads version 1`);
  if (o.lang !== "eql" && o.lang !== "spl") throw new ShareError(`"lang" must be eql or spl`);
  if (typeof o.query !== "string" || o.query.length > MAX_QUERY) throw new ShareError(`"query" must be text of at most ${MAX_QUERY} characters`);
  if (typeof o.timeZone !== "string" || !validZone(o.timeZone)) throw new ShareError(`"timeZone" is not a known time zone`);
  if (typeof o.splitBy !== "string" || o.splitBy.length > 200) throw new ShareError(`"splitBy" must be a field name`);
  if (typeof o.ran !== "boolean" || typeof o.sample !== "boolean") throw new ShareError(`"ran" and "sample" must be true or false`);
  const tr = o.timeRange;
  if (tr !== null) {
    if (!tr || typeof tr !== "object" || Array.isArray(tr)) throw new ShareError(`"timeRange" must be null or {earliest, latest}`);
    const t = tr as Record<string, unknown>;
    if (Object.keys(t).some((k) => k !== "earliest" && k !== "latest")) throw new ShareError(`"timeRange" has unknown keys`);
    for (const k of ["earliest", "latest"]) if (!(t[k] === null || (typeof t[k] === "number" && Number.isFinite(t[k])))) throw new ShareError(`"timeRange.${k}" must be a time in ms or null`);
    if (typeof t.earliest === "number" && typeof t.latest === "number" && t.earliest >= t.latest) throw new ShareError(`"timeRange" ends before it starts`);
  }
  if (!Array.isArray(o.datasets) || o.datasets.length > 1000) throw new ShareError(`"datasets" must be a list of files`);
  o.datasets.forEach((d, i) => {
    const f = d as Record<string, unknown>;
    if (!f || typeof f !== "object" || Object.keys(f).some((k) => !["name", "bytes", "fingerprint"].includes(k))) throw new ShareError(`dataset ${i + 1} has unknown keys`);
    if (typeof f.name !== "string" || typeof f.bytes !== "number" || !Number.isInteger(f.bytes) || f.bytes < 0 || typeof f.fingerprint !== "string" || !/^[0-9a-f]{16}$/.test(f.fingerprint)) throw new ShareError(`dataset ${i + 1} needs a name, a size and a 16-digit fingerprint`);
  });
  if ("source" in o) validateSource(o.source);
  return o as unknown as ShareState;
}

function validateSource(x: unknown): asserts x is SharedSource {
  if (!x || typeof x !== "object" || Array.isArray(x)) throw new ShareError(`"source" must be {kind: "local"} or {kind: "clickhouse", dataset}`);
  const s = x as Record<string, unknown>;
  if (s.kind === "local") {
    if (Object.keys(s).some((k) => k !== "kind")) throw new ShareError(`"source" of kind local has unknown keys`);
    return;
  }
  if (s.kind !== "clickhouse") throw new ShareError(`"source.kind" must be local or clickhouse`);
  if (Object.keys(s).some((k) => k !== "kind" && k !== "dataset")) throw new ShareError(`"source" has unknown keys`);
  if (typeof s.dataset !== "string" || !DATASET.test(s.dataset)) throw new ShareError(`"source.dataset" must be a ClickHouse dataset name (a letter, then letters, digits or _)`);
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
