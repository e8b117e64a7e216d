import type { ParsedEvent } from "../ingest/types.ts";

/**
 * Per-sourcetype normalisation: derived fields (computed values such as `process.name` from an
 * image path) are added to the event; pure renames are aliases, resolved at query time without
 * copying data. Each sourcetype family registers one `Normalizer`.
 */
export interface Normalizer {
  /** Whether this normaliser handles a sourcetype. */
  matches(sourcetype: string): boolean;
  /** Alias → stored field name, for every segment of a matching sourcetype. */
  aliases: Record<string, string>;
  /** Adds derived fields to the event in place. */
  derive?(event: ParsedEvent): void;
}

const NORMALIZERS: Normalizer[] = [];
/** The normaliser of each sourcetype seen, so matching runs once per sourcetype, not per event. */
const BY_SOURCETYPE = new Map<string, Normalizer | null>();

/** Registers a normaliser; the first that matches a sourcetype wins. */
export function registerNormalizer(n: Normalizer): void {
  NORMALIZERS.push(n);
  BY_SOURCETYPE.clear();
}

function find(sourcetype: string): Normalizer | undefined {
  let n = BY_SOURCETYPE.get(sourcetype);
  if (n === undefined) {
    n = NORMALIZERS.find((x) => x.matches(sourcetype)) ?? null;
    BY_SOURCETYPE.set(sourcetype, n);
  }
  return n ?? undefined;
}

/** Adds the derived fields of an event's sourcetype. */
export function normalizeEvent(event: ParsedEvent): void {
  find(event.sourcetype)?.derive?.(event);
}

/** The alias map of a sourcetype (empty when it has none). */
export function aliasesFor(sourcetype: string): Map<string, string> {
  return new Map(Object.entries(find(sourcetype)?.aliases ?? {}));
}
