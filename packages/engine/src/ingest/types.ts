import type { FlatFields } from "../store/types.ts";

/** One event as a parser produces it, before normalisation. */
export interface ParsedEvent {
  /** ms since the epoch, NaN when the event has no timestamp. */
  time: number;
  /** The original text of the event. */
  raw: string;
  fields: FlatFields;
  /** Splunk-style sourcetype, e.g. `suricata`, `bro:conn`, `XmlWinEventLog:Microsoft-Windows-Sysmon/Operational`. */
  sourcetype: string;
  /** Overrides the file name as `source` (e.g. `WinEventLog:Security`). */
  source?: string;
  /** The host the event came from, when the format says (short name, as Splunk shows it). */
  host?: string;
  /** Elasticsearch `_index` / Splunk `index`, when the format says. */
  index?: string;
}

/** A problem a parser reports; the ingest job adds the file name. */
export interface ParseProblem {
  line?: number;
  offset?: number;
  reason: string;
  sample?: string;
}

/** Where a parser sends its output. */
export interface ParseSink {
  event(e: ParsedEvent): void;
  problem(p: ParseProblem): void;
}

export interface FormatContext {
  /** The file's name (base name), used as `source` and `_index` where the format has none. */
  fileName: string;
}

/** A streaming parser of decoded text: chunks arrive in order, split anywhere. */
export interface TextParser {
  write(chunk: string): void;
  end(): void;
}

/** A streaming parser of bytes. */
export interface BinaryParser {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** A text format: `sniff` scores the decoded head of a file from 0 (no) to 1 (certainly). */
export interface TextFormat {
  kind: "text";
  name: string;
  description: string;
  sniff(head: string): number;
  open(sink: ParseSink, ctx: FormatContext): TextParser;
}

/** A binary format, sniffed on the raw leading bytes. */
export interface BinaryFormat {
  kind: "binary";
  name: string;
  description: string;
  sniff(head: Uint8Array): number;
  open(sink: ParseSink, ctx: FormatContext): BinaryParser;
}

export type Format = TextFormat | BinaryFormat;
