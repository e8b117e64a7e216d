import type { FieldValue, FlatFields } from "../store/types.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import type { FormatContext, ParseSink, TextFormat } from "./types.ts";

/**
 * Zeek (Bro) TSV logs: `#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`,
 * `#fields` and `#types` headers, then one record per line. Unset (`-`) fields are left out,
 * `(empty)` sets are left out, set/vector values become multi-value fields, numeric types become
 * numbers, and `ts` (epoch seconds) is the event time. Sourcetype `bro:<#path>`. A line whose
 * field count differs from `#fields` is reported (expected vs found) and skipped.
 */
export const zeekTsvFormat: TextFormat = {
  kind: "text",
  name: "zeek-tsv",
  description: "Zeek TSV log (#fields/#types headers)",
  sniff(head) {
    if (head.startsWith("#separator")) return 0.95;
    if (/(?:^|\n)#separator [^\n]*\n/.test(head) && /\n#fields\t/.test(head)) return 0.9;
    return 0;
  },
  open(sink, ctx) {
    const parser = new ZeekTsvParser(sink, ctx);
    const splitter = new LineSplitter(
      (line, lineNo) => parser.line(line, lineNo),
      (p) => sink.problem(p),
    );
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};

/** How a column's text becomes a value. */
const enum Conv {
  Text,
  Number,
  Time,
  Set,
}

class ZeekTsvParser {
  private separator = "\t";
  private setSeparator = ",";
  private emptyField = "(empty)";
  private unsetField = "-";
  private path: string;
  private names: string[] = [];
  private convs: Conv[] = [];
  private timeIndex = -1;
  private sourcetype: string;

  constructor(
    private readonly sink: ParseSink,
    ctx: FormatContext,
  ) {
    // Without `#path`, the file name (conn.log, dns.log…) names the log.
    const base = ctx.fileName.split("/").pop() ?? ctx.fileName;
    this.path = base.replace(/\.(?:log|tsv|txt)(?:\.gz)?$/i, "").replace(/\..*$/, "") || "unknown";
    this.sourcetype = "bro:" + this.path;
  }

  line(line: string, lineNo: number): void {
    if (line.length === 0) {
      // Zeek never writes an empty line, so one is damage (a record cut off), not formatting.
      this.sink.problem({ line: lineNo, reason: `wrong field count: expected ${this.names.length} fields (#fields), found an empty line` });
      return;
    }
    if (line.charCodeAt(0) === 35 /* # */) {
      this.header(line);
      return;
    }
    if (this.names.length === 0) {
      this.sink.problem({ line: lineNo, reason: "Zeek record before its #fields header", sample: sampleOf(line) });
      return;
    }
    const parts = line.split(this.separator);
    if (parts.length !== this.names.length) {
      this.sink.problem({
        line: lineNo,
        reason: `wrong field count: expected ${this.names.length} fields (#fields), found ${parts.length}`,
        sample: sampleOf(line),
      });
      return;
    }
    const fields: FlatFields = {};
    let time = NaN;
    for (let i = 0; i < parts.length; i++) {
      const text = parts[i]!;
      if (text === this.unsetField) continue;
      const conv = this.convs[i]!;
      if (text === this.emptyField && conv === Conv.Set) continue;
      const value = this.convert(text, conv);
      fields[this.names[i]!] = value;
      if (i === this.timeIndex && typeof value === "number") time = value * 1000;
    }
    this.sink.event({ time, raw: line, fields, sourcetype: this.sourcetype });
  }

  private convert(text: string, conv: Conv): FieldValue {
    switch (conv) {
      case Conv.Number:
      case Conv.Time: {
        const n = Number(text);
        return Number.isNaN(n) || text.length === 0 ? unescapeZeek(text) : n;
      }
      case Conv.Set:
        return text.split(this.setSeparator).map(unescapeZeek);
      case Conv.Text:
        return unescapeZeek(text);
    }
  }

  private header(line: string): void {
    // `#separator \x09` is space-separated; every other header uses the separator itself.
    if (line.startsWith("#separator ")) {
      this.separator = unescapeZeek(line.slice(11).trim()) || "\t";
      return;
    }
    const parts = line.split(this.separator);
    const key = parts[0];
    const rest = parts.slice(1);
    switch (key) {
      case "#set_separator":
        this.setSeparator = unescapeZeek(rest[0] ?? ",");
        return;
      case "#empty_field":
        this.emptyField = rest[0] ?? "(empty)";
        return;
      case "#unset_field":
        this.unsetField = rest[0] ?? "-";
        return;
      case "#path":
        if (rest[0]) {
          this.path = rest[0];
          this.sourcetype = "bro:" + this.path;
        }
        return;
      case "#fields":
        this.names = rest;
        this.timeIndex = rest.indexOf("ts");
        this.convs = rest.map(() => Conv.Text);
        return;
      case "#types":
        this.convs = this.names.map((_, i) => convFor(rest[i] ?? "string"));
        return;
      default:
        return; // #open, #close, comments
    }
  }
}

function convFor(type: string): Conv {
  if (type.startsWith("set[") || type.startsWith("vector[")) return Conv.Set;
  switch (type) {
    case "count":
    case "int":
    case "port":
    case "double":
    case "interval":
      return Conv.Number;
    case "time":
      return Conv.Time;
    default:
      return Conv.Text;
  }
}

/** Zeek writes separators and non-printable bytes as `\xNN`. */
function unescapeZeek(text: string): string {
  if (text.indexOf("\\x") < 0) return text;
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
