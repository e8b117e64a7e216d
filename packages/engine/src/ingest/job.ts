import { Utf8Chunks } from "./utf8-chunks.ts";
import { Gunzip, Unzip, UnzipInflate } from "fflate";
import "../normalize/all.ts";
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
/** Archives inside archives deeper than this are reported, not opened (zip bombs). */
const MAX_ARCHIVE_DEPTH = 3;

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
  /** For a .zip: one summary per member file (`archive.zip/member`). */
  members?: IngestSummary[];
}

/** Live progress of a job. */
export interface IngestProgress {
  file: string;
  bytes: number;
  events: number;
  problems: number;
}

/** What a file (or archive member) reports to its job. */
interface FeedHost {
  event(e: ParsedEvent, source: string): void;
  problem(p: IngestProblem): void;
}

/**
 * Loads one file into a dataset. Synchronous and streaming: feed byte chunks in order with
 * `write`, then call `end`. The caller (worker, CLI) reads the file and checks for cancel
 * between chunks. Segments are added to the dataset only at `end`, so a cancelled job leaves
 * nothing half-loaded. Gzip and zip are recognised by their magic bytes and unpacked as they
 * stream; each zip member is ingested as its own file named `archive.zip/member`.
 */
export class IngestJob {
  private readonly builders = new Map<string, SegmentBuilder>();
  private readonly problems: IngestProblem[] = [];
  private readonly problemCounts: Record<string, number> = {};
  private problemTotal = 0;
  private readonly root: FileFeed;

  constructor(
    private readonly dataset: Dataset,
    readonly fileName: string,
  ) {
    const host: FeedHost = {
      event: (e, source) => this.addEvent(e, source),
      problem: (p) => this.addProblem(p),
    };
    this.root = new FileFeed(host, fileName, 0, null);
  }

  progress(): IngestProgress {
    return { file: this.fileName, bytes: this.root.bytes, events: this.root.events, problems: this.problemTotal };
  }

  write(chunk: Uint8Array): void {
    this.root.write(chunk);
  }

  /** Finishes the file and adds its segments to the dataset. */
  end(): IngestSummary {
    this.root.end();
    for (const b of this.builders.values()) this.dataset.addSegment(b);
    const summary = this.root.summary();
    summary.problems = this.problems;
    summary.problemCounts = this.problemCounts;
    summary.problemTotal = this.problemTotal;
    return summary;
  }

  private addEvent(e: ParsedEvent, source: string): void {
    normalizeEvent(e);
    const fields = e.fields;
    fields.sourcetype = e.sourcetype;
    fields.source = e.source ?? source;
    if (e.host !== undefined) fields.host = e.host;
    if (e.index !== undefined) fields.index = e.index;
    const key = segmentKey(e);
    let b = this.builders.get(key);
    if (!b) {
      b = this.dataset.builder(e.sourcetype, aliasesFor(e.sourcetype));
      this.builders.set(key, b);
    }
    b.add(e.time, this.dataset.nextSeq++, e.raw, fields);
  }

  private addProblem(p: IngestProblem): void {
    this.problemTotal++;
    const key = problemKey(p.reason);
    this.problemCounts[key] = (this.problemCounts[key] ?? 0) + 1;
    if (this.problems.length < MAX_EXAMPLES) this.problems.push(p);
  }
}

/** The reason's category: the text before its first colon. */
function problemKey(reason: string): string {
  const colon = reason.indexOf(":");
  return colon > 0 ? reason.slice(0, colon) : reason;
}

/**
 * One logical file: sniffs its head, then streams into a parser. A gzip or zip file gets an
 * unpacking parser whose output feeds child feeds, so archives nest naturally.
 */
class FileFeed implements BinaryParser {
  bytes = 0;
  events = 0;
  format: string | null = null;
  readonly sourcetypes: Record<string, number> = {};
  readonly members: FileFeed[] = [];
  private readonly problems: IngestProblem[] = [];
  private readonly problemCounts: Record<string, number> = {};
  private problemTotal = 0;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private parser: BinaryParser | null = null;
  private rejected = false;
  private ended = false;
  private readonly sink: ParseSink;

  constructor(
    private readonly host: FeedHost,
    readonly name: string,
    private readonly depth: number,
    private readonly parent: FileFeed | null,
  ) {
    this.sink = {
      event: (e) => this.onEvent(e),
      problem: (p) => this.problem(p),
    };
  }

  write(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.rejected || this.ended) return;
    if (this.parser) {
      this.parser.write(chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= SNIFF_BYTES) this.start();
  }

  /** Finishes the file; `broken` says its container already reported why it may be cut short or empty. */
  end(broken = false): void {
    if (this.ended) return;
    if (broken && this.bytes === 0) {
      this.ended = true;
      return;
    }
    if (!this.parser && !this.rejected) this.start();
    this.ended = true;
    this.parser?.end();
    // A file that gave nothing and said nothing (headers only, say) must not pass silently.
    if (this.events === 0 && this.problemTotal === 0) {
      this.problem({ offset: 0, reason: `no events: the file holds no ${this.format ?? ""} records`.replace("  ", " ") });
    }
  }

  summary(): IngestSummary {
    const s: IngestSummary = {
      file: this.name,
      format: this.format,
      bytes: this.bytes,
      events: this.events,
      sourcetypes: this.sourcetypes,
      problems: this.problems,
      problemCounts: this.problemCounts,
      problemTotal: this.problemTotal,
    };
    if (this.members.length > 0) s.members = this.members.map((m) => m.summary());
    return s;
  }

  /** Records a problem of this file (and counts it in every enclosing archive). */
  problem(p: ParseProblem): void {
    const full: IngestProblem = { file: this.name, ...p };
    this.host.problem(full);
    this.countProblem(full, problemKey(p.reason));
  }

  private countProblem(p: IngestProblem, key: string): void {
    this.problemTotal++;
    this.problemCounts[key] = (this.problemCounts[key] ?? 0) + 1;
    if (this.problems.length < MAX_EXAMPLES) this.problems.push(p);
    this.parent?.countProblem(p, key);
  }

  private countEvent(sourcetype: string): void {
    this.events++;
    this.sourcetypes[sourcetype] = (this.sourcetypes[sourcetype] ?? 0) + 1;
    this.parent?.countEvent(sourcetype);
  }

  private onEvent(e: ParsedEvent): void {
    this.host.event(e, this.name);
    this.countEvent(e.sourcetype);
  }

  private start(): void {
    const head = concat(this.head, this.headBytes);
    this.head = [];
    if (head.length === 0 || isBlank(head)) {
      this.reject("empty file: no events");
      return;
    }
    const archive = archiveKind(head);
    if (archive) {
      if (this.depth >= MAX_ARCHIVE_DEPTH) {
        this.reject(`archive nested too deep: ${archive} inside ${this.depth} archives is not opened`);
        return;
      }
      this.parser = archive === "gzip" ? this.gunzip() : this.unzip();
      this.parser.write(head);
      return;
    }
    const binary = sniffBinary(head);
    if (binary) {
      this.format = binary.name;
      this.parser = binary.open(this.sink, { fileName: this.name });
      this.parser.write(head);
      return;
    }
    const encoding = textEncoding(head);
    const decoder = new TextDecoder(encoding, { fatal: false });
    const sniffed = decoder.decode(head.subarray(0, Math.min(head.length, SNIFF_BYTES)), { stream: true });
    if (looksBinary(sniffed)) {
      const names = allFormats().map((f) => f.description).join("; ");
      this.reject(`unknown format: binary data that is none of the supported formats (${names}; .gz and .zip archives of them)`);
      return;
    }
    const text = sniffText(sniffed);
    if (!text) {
      this.reject("unknown format");
      return;
    }
    this.format = text.name;
    this.parser = textAdapter(text.open(this.sink, { fileName: this.name }), encoding, (p) => this.problem(p));
    this.parser.write(head);
  }

  private reject(reason: string): void {
    this.rejected = true;
    this.problem({ offset: 0, reason });
  }

  /** Streams gzip (all members) into one child feed of the same name. */
  private gunzip(): BinaryParser {
    const child = new FileFeed(this.host, this.name, this.depth + 1, this);
    let inflated = 0;
    let compressed = 0;
    let broken = false;
    const gz = new Gunzip((data) => {
      inflated += data.length;
      child.write(data);
    });
    const fail = (err: unknown, atEnd: boolean) => {
      broken = true;
      const why = err instanceof Error ? err.message : String(err);
      this.problem({
        offset: compressed,
        reason: `bad gzip: ${why}${atEnd ? " (truncated?)" : ""}; ${inflated} bytes were unpacked before it`,
      });
    };
    return {
      write: (chunk) => {
        if (broken) return;
        try {
          gz.push(chunk);
          compressed += chunk.length;
        } catch (err) {
          fail(err, false);
        }
      },
      end: () => {
        if (!broken) {
          try {
            gz.push(new Uint8Array(0), true);
          } catch (err) {
            fail(err, true);
          }
        }
        child.end(broken);
        this.format = "gzip" + (child.format ? "+" + child.format : "");
      },
    };
  }

  /** Streams a zip archive; every member is its own file, `archive.zip/member`. */
  private unzip(): BinaryParser {
    this.format = "zip";
    let compressed = 0;
    let broken = false;
    const open = new Set<FileFeed>();
    const uz = new Unzip((file) => {
      if (file.name.endsWith("/")) return;
      const child = new FileFeed(this.host, `${this.name}/${file.name}`, this.depth + 1, this);
      this.members.push(child);
      open.add(child);
      file.ondata = (err, data, final) => {
        if (err) {
          child.problem({ offset: child.bytes, reason: `bad zip member: ${err.message}` });
          open.delete(child);
          child.end(true);
          return;
        }
        child.write(data);
        if (final) {
          open.delete(child);
          child.end();
        }
      };
      try {
        file.start();
      } catch (e) {
        child.problem({ offset: 0, reason: `bad zip member: ${(e as Error).message}` });
        open.delete(child);
        child.end(true);
      }
    });
    uz.register(UnzipInflate);
    return {
      write: (chunk) => {
        if (broken) return;
        try {
          uz.push(chunk);
          compressed += chunk.length;
        } catch (err) {
          broken = true;
          this.problem({ offset: compressed, reason: `bad zip: ${(err as Error).message}` });
        }
      },
      end: () => {
        if (!broken) {
          try {
            uz.push(new Uint8Array(0), true);
          } catch (err) {
            this.problem({ offset: compressed, reason: `bad zip: ${(err as Error).message}` });
          }
        }
        for (const child of open) {
          child.problem({ offset: child.bytes, reason: "truncated zip member: the archive ends inside it" });
          child.end(true);
        }
        if (this.members.length === 0) this.problem({ offset: 0, reason: "empty zip: no member files" });
      },
    };
  }
}

function archiveKind(head: Uint8Array): "gzip" | "zip" | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) {
    return "zip";
  }
  return null;
}

/** UTF-16 when the file has its byte-order mark (Windows exports), else UTF-8. */
function textEncoding(head: Uint8Array): "utf-8" | "utf-16le" | "utf-16be" {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return "utf-8";
}

/**
 * Wraps a text parser so it takes bytes: streaming decode. Lines holding invalid bytes (decoded
 * as U+FFFD) are reported once each with their line number; the text still loads.
 */
function textAdapter(parser: TextParser, encoding: string, onInvalid: (p: ParseProblem) => void): BinaryParser {
  const decoder = encoding === "utf-8" ? new Utf8Chunks() : new StreamingDecoder(encoding);
  let line = 1;
  const scan = (text: string, bytes: Uint8Array | null) => {
    if (text.indexOf("\uFFFD") >= 0 && !(bytes && hasReplacementChar(bytes))) reportInvalid(text, line, onInvalid);
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) line++;
  };
  return {
    write(chunk) {
      const text = decoder.decode(chunk);
      scan(text, chunk);
      parser.write(text);
    },
    end() {
      const rest = decoder.end();
      if (rest) {
        scan(rest, null);
        parser.write(rest);
      }
      parser.end();
    },
  };
}

/** The platform's streaming decoder, for UTF-16 text (with the same two calls as `Utf8Chunks`). */
class StreamingDecoder {
  private readonly decoder: InstanceType<typeof TextDecoder>;
  constructor(encoding: string) {
    this.decoder = new TextDecoder(encoding, { fatal: false });
  }
  decode(chunk: Uint8Array): string {
    return this.decoder.decode(chunk, { stream: true });
  }
  end(): string {
    return this.decoder.decode();
  }
}

/** One problem per line of `text` that holds U+FFFD; `firstLine` is the line `text` starts on. */
function reportInvalid(text: string, firstLine: number, onInvalid: (p: ParseProblem) => void): void {
  let line = firstLine;
  let lineStart = 0;
  let lastReported = -1;
  for (let bad = text.indexOf("\uFFFD"); bad >= 0; bad = text.indexOf("\uFFFD", bad + 1)) {
    for (let nl = text.indexOf("\n", lineStart); nl >= 0 && nl < bad; nl = text.indexOf("\n", lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    if (line === lastReported) continue;
    lastReported = line;
    const end = text.indexOf("\n", bad);
    const sample = text.slice(lineStart, end < 0 ? text.length : end);
    onInvalid({
      line,
      reason: "invalid UTF-8: bytes replaced with U+FFFD",
      sample: sample.length > 120 ? sample.slice(0, 120) + "…" : sample,
    });
  }
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

/**
 * The segment an event goes to. Columns are dense per segment (4 bytes per row even where a field is
 * absent), so sourcetypes whose event kinds carry different field sets (Windows EventCodes, Suricata
 * event types) get one segment per kind: a Sysmon network event then pays nothing for the process
 * fields of EventCode 1.
 */
function segmentKey(e: ParsedEvent): string {
  const kind = e.fields.EventCode ?? e.fields.event_type;
  return kind === undefined || kind === null ? e.sourcetype : `${e.sourcetype}\u0000${String(kind)}`;
}
