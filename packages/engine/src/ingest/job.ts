import { aliasesFor, normalizeEvent } from "../normalize/index.ts";
import type { Dataset } from "../store/dataset.ts";
import type { SegmentBuilder } from "../store/segment-builder.ts";
import type { IngestProblem } from "../store/types.ts";
import { allFormats, sniffBinary, sniffText } from "./registry.ts";
import type { BinaryParser, ParsedEvent, ParseProblem, ParseSink, TextParser } from "./types.ts";

/** Bytes collected before the format is chosen. */
const SNIFF_BYTES = 64 * 1024;
/** Problems kept as examples per file; every problem is still counted. */
const MAX_EXAMPLES = 50;

/** What one file gave: counts, the format, and its problems. */
export interface IngestSummary {
  file: string;
  format: string | null;
  bytes: number;
  events: number;
  sourcetypes: Record<string, number>;
  /** The first problems, in file order. */
  problems: IngestProblem[];
  /** Every problem counted by reason (the text before the first colon). */
  problemCounts: Record<string, number>;
  problemTotal: number;
}

/** Live progress of a job. */
export interface IngestProgress {
  file: string;
  bytes: number;
  events: number;
  problems: number;
}

/**
 * Loads one file into a dataset. Synchronous and streaming: feed byte chunks in order with
 * `write`, then call `end`. The caller (worker, CLI) reads the file and checks for cancel
 * between chunks. Segments are added to the dataset only at `end`, so a cancelled job leaves
 * nothing half-loaded.
 */
export class IngestJob {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private bytes = 0;
  private events = 0;
  private parser: { write(chunk: Uint8Array): void; end(): void } | null = null;
  private format: string | null = null;
  private rejected = false;
  private readonly builders = new Map<string, SegmentBuilder>();
  private readonly problems: IngestProblem[] = [];
  private readonly problemCounts: Record<string, number> = {};
  private problemTotal = 0;
  private readonly sink: ParseSink;

  constructor(
    private readonly dataset: Dataset,
    readonly fileName: string,
  ) {
    this.sink = {
      event: (e) => this.addEvent(e),
      problem: (p) => this.addProblem(p),
    };
  }

  progress(): IngestProgress {
    return { file: this.fileName, bytes: this.bytes, events: this.events, problems: this.problemTotal };
  }

  write(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.rejected) return;
    if (this.parser) {
      this.parser.write(chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= SNIFF_BYTES) this.start();
  }

  /** Finishes the file and adds its segments to the dataset. */
  end(): IngestSummary {
    if (!this.parser && !this.rejected) this.start();
    this.parser?.end();
    const sourcetypes: Record<string, number> = {};
    for (const [st, b] of this.builders) {
      sourcetypes[st] = (sourcetypes[st] ?? 0) + b.rowCount;
      this.dataset.addSegment(b);
    }
    return {
      file: this.fileName,
      format: this.format,
      bytes: this.bytes,
      events: this.events,
      sourcetypes,
      problems: this.problems,
      problemCounts: this.problemCounts,
      problemTotal: this.problemTotal,
    };
  }

  private start(): void {
    const head = concat(this.head, this.headBytes);
    this.head = [];
    if (head.length === 0 || isBlank(head)) {
      this.reject("empty file: no events");
      return;
    }
    const binary = sniffBinary(head);
    if (binary) {
      this.format = binary.name;
      this.parser = binary.open(this.sink, { fileName: this.fileName });
    } else {
      const decoder = new TextDecoder("utf-8", { fatal: false });
      const sniffText0 = decoder.decode(head.subarray(0, Math.min(head.length, SNIFF_BYTES)), { stream: true });
      if (looksBinary(sniffText0)) {
        const names = allFormats().map((f) => f.description).join("; ");
        this.reject(`unknown format: binary data that is none of the supported formats (${names})`);
        return;
      }
      const text = sniffText(sniffText0);
      if (!text) {
        this.reject("unknown format");
        return;
      }
      this.format = text.name;
      this.parser = textAdapter(text.open(this.sink, { fileName: this.fileName }), (offset) =>
        this.addProblem({ offset, reason: "invalid UTF-8: bytes replaced with U+FFFD" }),
      );
      this.parser.write(head);
      return;
    }
    this.parser.write(head);
  }

  private reject(reason: string): void {
    this.rejected = true;
    this.addProblem({ offset: 0, reason });
  }

  private addEvent(e: ParsedEvent): void {
    normalizeEvent(e);
    const fields = e.fields;
    fields.sourcetype = e.sourcetype;
    fields.source = e.source ?? this.fileName;
    if (e.host !== undefined) fields.host = e.host;
    if (e.index !== undefined) fields.index = e.index;
    let b = this.builders.get(e.sourcetype);
    if (!b) {
      b = this.dataset.builder(e.sourcetype, aliasesFor(e.sourcetype));
      this.builders.set(e.sourcetype, b);
    }
    b.add(e.time, this.dataset.nextSeq++, e.raw, fields);
    this.events++;
  }

  private addProblem(p: ParseProblem): void {
    this.problemTotal++;
    const colon = p.reason.indexOf(":");
    const key = colon > 0 ? p.reason.slice(0, colon) : p.reason;
    this.problemCounts[key] = (this.problemCounts[key] ?? 0) + 1;
    if (this.problems.length < MAX_EXAMPLES) this.problems.push({ file: this.fileName, ...p });
  }
}

/** Wraps a text parser so it takes bytes: streaming UTF-8 decode, reporting replaced bytes. */
function textAdapter(parser: TextParser, onInvalid: (offset: number) => void): BinaryParser {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let offset = 0;
  return {
    write(chunk) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.includes("\uFFFD") && !hasReplacementChar(chunk)) onInvalid(offset);
      offset += chunk.length;
      parser.write(text);
    },
    end() {
      const rest = decoder.decode();
      if (rest) parser.write(rest);
      parser.end();
    },
  };
}

/** True when the bytes themselves encode U+FFFD (EF BF BD), which is valid text. */
function hasReplacementChar(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return true;
  }
  return false;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}

/** Text with many NULs or control characters is not a log. */
function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 8192);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) bad++;
  }
  return n > 0 && bad / n > 0.1;
}

/** Loads a whole byte array as one file (tests, CLI). */
export function ingestBytes(dataset: Dataset, fileName: string, bytes: Uint8Array, chunkSize = 1 << 20): IngestSummary {
  const job = new IngestJob(dataset, fileName);
  for (let i = 0; i < bytes.length; i += chunkSize) job.write(bytes.subarray(i, i + chunkSize));
  return job.end();
}
