import { accessLogFormat } from "./access-log.ts";
import { csvFormat } from "./csv.ts";
import { esBulkFormat } from "./es-bulk.ts";
import { jsonArrayFormat } from "./json-array.ts";
import { evtxFormat } from "./evtx/format.ts";
import { kvFormat } from "./kv.ts";
import { ndjsonFormat } from "./ndjson.ts";
import { panCsvFormat } from "./pan-csv.ts";
import { textLinesFormat } from "./text-lines.ts";
import { winEventLogTextFormat } from "./wineventlog-text.ts";
import { xmlWinEventLogFormat } from "./xmlwineventlog.ts";
import { zeekTsvFormat } from "./zeek-tsv.ts";
import type { BinaryFormat, Format, TextFormat } from "./types.ts";

/**
 * Every format the engine reads. Sniffing scores each against the head of a file and the best
 * score wins; ties go to the earlier entry, so specific formats come before generic ones.
 */
export const TEXT_FORMATS: TextFormat[] = [
  xmlWinEventLogFormat,
  winEventLogTextFormat,
  zeekTsvFormat,
  esBulkFormat,
  ndjsonFormat,
  jsonArrayFormat,
  panCsvFormat,
  accessLogFormat,
  csvFormat,
  kvFormat,
  textLinesFormat,
];
export const BINARY_FORMATS: BinaryFormat[] = [evtxFormat];

/** Every supported format, binary first (for messages and the app's format list). */
export function allFormats(): Format[] {
  return [...BINARY_FORMATS, ...TEXT_FORMATS];
}

/** The best text format for a decoded head, or null when none scores above 0. */
export function sniffText(head: string): TextFormat | null {
  let best: TextFormat | null = null;
  let bestScore = 0;
  for (const f of TEXT_FORMATS) {
    const s = f.sniff(head);
    if (s > bestScore) {
      best = f;
      bestScore = s;
    }
  }
  return best;
}

/** The best binary format for raw leading bytes, or null. */
export function sniffBinary(head: Uint8Array): BinaryFormat | null {
  let best: BinaryFormat | null = null;
  let bestScore = 0;
  for (const f of BINARY_FORMATS) {
    const s = f.sniff(head);
    if (s > bestScore) {
      best = f;
      bestScore = s;
    }
  }
  return best;
}
