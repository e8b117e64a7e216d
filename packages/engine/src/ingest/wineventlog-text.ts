import type { FieldValue, FlatFields } from "../store/types.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import type { ParseSink, TextFormat, TextParser } from "./types.ts";
import { shortHost } from "./winevent.ts";

/**
 * Classic (non-XML) Windows event text, as Splunk's Windows TA indexed BOTSv2's
 * `WinEventLog:Security`: a `MM/DD/YYYY hh:mm:ss AM` line, `Key=Value` header lines up to
 * `Message=`, then the message, whose `Label:  value` lines become fields named as Splunk names
 * them (`Account Name` → `Account_Name`; repeated labels, such as subject and target accounts,
 * become multi-values in order). Events may span many lines; each starts at its timestamp line.
 */

const HEADER_TIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)$/;
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/;
const LABEL = /^\s*([A-Za-z][A-Za-z0-9 ()/'-]*?):\s+(\S.*?)\s*$/;

/** Classic Windows event text → `WinEventLog:<LogName>` events. */
export const winEventLogTextFormat: TextFormat = {
  kind: "text",
  name: "wineventlog-text",
  description: "classic Windows event text (WinEventLog)",
  sniff(head) {
    const lines = head.split("\n", 4).map((l) => l.replace(/\r$/, "").trim());
    return HEADER_TIME.test(lines[0] ?? "") && (lines[1] ?? "").startsWith("LogName=") ? 0.95 : 0;
  },
  open(sink) {
    return new WinEventTextParser(sink);
  },
};

class WinEventTextParser implements TextParser {
  private lines: string[] = [];
  private startLine = 0;
  private readonly splitter: LineSplitter;

  constructor(private readonly sink: ParseSink) {
    this.splitter = new LineSplitter(
      (line, lineNo) => this.line(line, lineNo),
      (p) => sink.problem(p),
    );
  }

  write(chunk: string): void {
    this.splitter.write(chunk);
  }

  end(): void {
    this.splitter.end();
    this.flush();
  }

  private line(line: string, lineNo: number): void {
    if (HEADER_TIME.test(line.trim())) {
      this.flush();
      this.startLine = lineNo;
      this.lines = [line.trim()];
      return;
    }
    if (this.lines.length === 0) {
      if (line.trim().length > 0) this.sink.problem({ line: lineNo, reason: "text outside events: no timestamp line before it", sample: sampleOf(line) });
      return;
    }
    this.lines.push(line);
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    while (lines.length > 1 && lines[lines.length - 1]!.trim() === "") lines.pop();
    const m = HEADER_TIME.exec(lines[0]!)!;
    let hour = Number(m[4]) % 12;
    if (m[7] === "PM") hour += 12;
    // The time is the host's local time with no zone; taken as UTC (the display setting shifts it).
    const time = Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, hour, +m[5]!, +m[6]!);
    const fields: FlatFields = {};
    let i = 1;
    for (; i < lines.length; i++) {
      const kv = KEY_VALUE.exec(lines[i]!);
      if (!kv) break;
      if (kv[1] === "Message") {
        const message = [kv[2]!, ...lines.slice(i + 1)].join("\n");
        fields.Message = message;
        for (const l of lines.slice(i + 1)) {
          const label = LABEL.exec(l);
          if (label) add(fields, label[1]!.trim().replace(/[ ()/'-]+/g, "_").replace(/_+$/, ""), label[2]!);
        }
        i = lines.length;
        break;
      }
      fields[kv[1]!] = kv[2]!;
    }
    if (typeof fields.LogName !== "string") {
      this.sink.problem({ line: this.startLine + 1, reason: "malformed event: no LogName= after the timestamp line", sample: sampleOf(lines.join(" ")) });
      return;
    }
    const sourcetype = "WinEventLog:" + fields.LogName;
    const computer = fields.ComputerName;
    this.sink.event({
      time,
      raw: lines.join("\n"),
      fields,
      sourcetype,
      source: sourcetype,
      ...(typeof computer === "string" && computer ? { host: shortHost(computer) } : {}),
    });
  }
}

function add(fields: FlatFields, name: string, value: string): void {
  const prev: FieldValue | undefined = fields[name];
  if (prev === undefined) fields[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[name] = [prev, value];
}
