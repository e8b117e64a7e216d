import { LineSplitter } from "./lines.ts";
import { findTimestamp } from "./find-timestamp.ts";
import type { TextFormat } from "./types.ts";

/** RFC 3164 syslog: `<pri>Mon dd HH:MM:SS host …`; the host is Splunk's `host`. */
const SYSLOG = /^(?:<\d{1,3}>)?[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} (\S+) /;

/** Any other text: one event per non-blank line, with a timestamp taken from the line when found; syslog lines get sourcetype `syslog` and their host. */
export const textLinesFormat: TextFormat = {
  kind: "text",
  name: "text",
  description: "plain text (one event per line; syslog recognised)",
  sniff: () => 0.01,
  open(sink) {
    const splitter = new LineSplitter((line) => {
      if (line.trim().length === 0) return;
      const sys = SYSLOG.exec(line);
      if (sys) {
        sink.event({ time: findTimestamp(line), raw: line, fields: {}, sourcetype: "syslog", host: sys[1]! });
        return;
      }
      sink.event({ time: findTimestamp(line), raw: line, fields: {}, sourcetype: "text" });
    }, (p) => sink.problem(p));
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};
