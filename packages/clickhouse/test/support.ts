/** Shared helpers of the ClickHouse tests: reading the conformance suites and comparing responses. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EqlHit, EqlResponse } from "@quarry/engine";

export const SHARED = new URL("../../../../shared/", import.meta.url);
export const CONFORMANCE = new URL("conformance/", SHARED);

/** Lines of a JSONL file. */
export function readJsonl<T>(url: URL): T[] {
  return readFileSync(url, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** A file URL as a path. */
export function pathOf(url: URL): string {
  return fileURLToPath(url);
}

/** The response without its timing, for equality. */
export function comparable(r: EqlResponse): Omit<EqlResponse, "took"> {
  const { took: _took, ...rest } = r;
  return rest;
}

/** Event ids (`idField` of each `_source`) in response order, -1 for a missing-event slot. */
export function idsOf(r: EqlResponse, idField: string): number[] {
  const id = (e: EqlHit): number => {
    if ("missing" in e) return -1;
    let cur: unknown = e._source;
    if (idField in e._source) cur = e._source[idField];
    else for (const p of idField.split(".")) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : undefined;
    return Number(cur);
  };
  if (r.hits.sequences) return r.hits.sequences.flatMap((s) => s.events.map(id));
  return (r.hits.events ?? []).map(id);
}
