import { sampleOf } from "./lines.ts";
import type { ParsedEvent, ParseSink, TextFormat, TextParser } from "./types.ts";
import { ShapeTrace, WinEventShapes } from "./winevent-shapes.ts";
import { type TextCursor, winEventFromXml, winEventInText } from "./winevent.ts";

/**
 * Splunk `XmlWinEventLog`: Windows events rendered as XML, one or many per line. Data values may
 * hold CR/LF, so events are split on `<Event …>` … `</Event>`, never on newlines. Also reads
 * `wevtutil qe /f:xml` style exports (an `<Events>` wrapper) and the JSON-quoted variant found in
 * splunk/attack_data (one JSON string holding the events): that file's problem is reported once
 * and its events are unescaped and loaded.
 */
export const xmlWinEventLogFormat: TextFormat = {
  kind: "text",
  name: "xmlwineventlog",
  description: "Windows event XML (Splunk XmlWinEventLog)",
  sniff(head) {
    const start = findEventStart(head, 0);
    if (start < 0) return 0;
    const before = head.slice(0, start).trim();
    if (before === "" || before === '"' || isWrapper(before)) return 0.95;
    return 0.3;
  },
  open(sink) {
    return new XmlWinEventParser(sink, true);
  },
};

/** How the events of a parser were read (for tests: the fast paths must agree with the exact one). */
export interface XmlReadCounts {
  /** By a learned shape. */
  shape: number;
  /** By the tokenizer reading in place. */
  inText: number;
  /** By cutting at the first `</Event>` and parsing the slice (the exact path). */
  exact: number;
}

/** An XmlWinEventLog parser; `fastPaths` false reads every event by the exact path. */
export function openXmlWinEventParser(sink: ParseSink, fastPaths: boolean): TextParser & { readonly counts: XmlReadCounts } {
  return new XmlWinEventParser(sink, fastPaths);
}

/** Longest text kept waiting for an `</Event>` before the event is given up as broken. */
const MAX_EVENT_CHARS = 64 * 1024 * 1024;

class XmlWinEventParser implements TextParser {
  private buf = "";
  /** Line number (1-based) of buf[countedTo]. */
  private line = 1;
  private countedTo = 0;
  private first = true;
  private jsonQuoted = false;
  private readonly at: TextCursor = { end: 0, amp: -2 };
  private readonly shapes = new WinEventShapes();
  private readonly trace = new ShapeTrace();
  readonly counts: XmlReadCounts = { shape: 0, inText: 0, exact: 0 };

  constructor(
    private readonly sink: ParseSink,
    private readonly fastPaths: boolean,
  ) {}

  write(chunk: string): void {
    // Joined, not concatenated: `+` makes a ConsString, and String.prototype.startsWith (the
    // shapes' markup test) takes a slow runtime path on anything but a sequential string.
    this.buf = this.buf.length === 0 ? chunk : [this.buf, chunk].join("");
    if (this.first) {
      const t = this.buf.trimStart();
      if (t.length < 8) return;
      this.first = false;
      if (t.charCodeAt(0) === 34 /* " */ && t.startsWith("<Event", 1)) {
        this.jsonQuoted = true;
        this.sink.problem({
          line: 1,
          reason:
            "JSON-quoted XML: the file is one JSON string (literal \\n between events, doubled backslashes); events were unescaped",
          sample: sampleOf(t),
        });
      }
    }
    this.drain(false);
  }

  end(): void {
    this.first = false;
    this.drain(true);
    this.buf = "";
  }

  private drain(final: boolean): void {
    const buf = this.buf;
    let pos = 0;
    // The next event's start, found while checking the previous event (or -2: not searched yet).
    let ahead = -2;
    // Events are first read straight out of the buffer, which finds their end on the way; only
    // when that fast path declines (see winEventInText) is the end searched for. It is tried only
    // where an `</Event>` follows, so a big event arriving over many chunks is not re-read each time.
    const lastClose = this.jsonQuoted || !this.fastPaths ? -1 : buf.lastIndexOf("</Event>");
    this.at.amp = -2;
    for (;;) {
      // -1 (no later start in this buffer) is final too: the buffer does not change in the loop.
      const s = ahead === -2 || (ahead >= 0 && ahead < pos) ? findEventStart(buf, pos) : ahead;
      ahead = -2;
      if (s < 0) {
        // Keep a possible partial `<Event` at the end for the next chunk.
        const keep = final ? buf.length : Math.max(pos, buf.length - 7);
        this.gap(buf, pos, keep);
        pos = keep;
        break;
      }
      if (s > pos) this.gap(buf, pos, s);
      if (s < lastClose) {
        const event = this.readFast(buf, s);
        if (event) {
          this.deliver(buf, s, event);
          pos = this.at.end;
          continue;
        }
      }
      const e = buf.indexOf("</Event>", s);
      const next = findEventStart(buf, s + 6);
      ahead = next;
      if (next >= 0 && (e < 0 || next < e)) {
        this.report(buf, s, "truncated event: no </Event> before the next <Event>");
        pos = next;
        continue;
      }
      if (e < 0) {
        if (final) {
          this.report(buf, s, "truncated event: the file ends inside an <Event>");
          pos = buf.length;
        } else if (buf.length - s > MAX_EVENT_CHARS) {
          this.report(buf, s, `event too large: no </Event> within ${MAX_EVENT_CHARS} characters`);
          pos = buf.length;
        } else {
          pos = s;
        }
        break;
      }
      this.emit(buf, s, e + 8);
      pos = e + 8;
    }
    this.lineAt(buf, pos);
    this.buf = pos === 0 ? buf : buf.slice(pos);
    this.countedTo -= pos;
  }

  private emit(buf: string, start: number, end: number): void {
    this.counts.exact++;
    let xml = buf.slice(start, end);
    if (this.jsonQuoted) xml = unquoteJson(xml);
    try {
      this.sink.event(winEventFromXml(xml));
    } catch (err) {
      this.report(buf, start, `malformed event: ${(err as Error).message}`);
    }
  }

  /**
   * The event at `start` by a learned shape, else by the tokenizer reading in place (whose
   * shape is then learned); null when both decline and the exact path must decide.
   */
  private readFast(buf: string, start: number): ParsedEvent | null {
    let event: ParsedEvent | null;
    try {
      event = this.shapes.read(buf, start, this.at);
    } catch {
      event = null;
    }
    if (event) {
      this.counts.shape++;
      return event;
    }
    this.trace.clear();
    event = winEventInText(buf, start, this.at, this.trace);
    if (event) {
      this.counts.inText++;
      this.shapes.learn(buf, start, this.trace);
    }
    return event;
  }

  /** Passes on an event read by the fast path, reporting a failure as `emit` would. */
  private deliver(buf: string, start: number, event: ParsedEvent): void {
    try {
      this.sink.event(event);
    } catch (err) {
      this.report(buf, start, `malformed event: ${(err as Error).message}`);
    }
  }

  /** Text between events: whitespace, an XML prolog or `<Events>` wrapper are fine; anything else is reported. */
  private gap(buf: string, start: number, end: number): void {
    if (end <= start) return;
    const text = buf.slice(start, end).trim();
    if (text === "" || isWrapper(text)) return;
    if (this.jsonQuoted && /^(?:\\r|\\n|"|\s)*$/.test(text)) return;
    let at = start;
    while (at < end && isSpaceCode(buf.charCodeAt(at))) at++;
    this.report(buf, at, "text outside events: not part of any <Event>");
  }

  private report(buf: string, at: number, reason: string): void {
    this.sink.problem({ line: this.lineAt(buf, at), reason, sample: sampleOf(buf.slice(at, at + 200)) });
  }

  /** The line number of buf[at], counting newlines incrementally (positions only move forward). */
  private lineAt(buf: string, at: number): number {
    let nl = buf.indexOf("\n", this.countedTo);
    while (nl >= 0 && nl < at) {
      this.line++;
      nl = buf.indexOf("\n", nl + 1);
    }
    this.countedTo = Math.max(this.countedTo, at);
    return this.line;
  }
}

/** Index of the next `<Event` start tag (not `<EventData`, `<Events>`) at or after `from`, or -1. */
function findEventStart(text: string, from: number): number {
  let i = text.indexOf("<Event", from);
  while (i >= 0) {
    const c = text.charCodeAt(i + 6);
    if (c === 32 || c === 62 || c === 9 || c === 10 || c === 13 || c === 47) return i;
    if (Number.isNaN(c)) return -1;
    i = text.indexOf("<Event", i + 6);
  }
  return -1;
}

const WRAPPER = /^(?:\s*(?:<\?xml[^>]*\?>|<Events\s*>|<\/Events\s*>|<!--[\s\S]*?-->))*\s*$/;

function isWrapper(text: string): boolean {
  return text.length < 4096 && WRAPPER.test(text);
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Undoes JSON string escaping of one event's text (the splunk/attack_data JSON-quoted file). */
function unquoteJson(text: string): string {
  try {
    const v: unknown = JSON.parse('"' + text + '"');
    return typeof v === "string" ? v : text;
  } catch {
    return text;
  }
}
