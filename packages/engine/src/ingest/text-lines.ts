import { LineSplitter } from "./lines.ts";
import { findTimestamp } from "./find-timestamp.ts";
import type { TextFormat } from "./types.ts";

/** Any other text: one event per non-blank line, with a timestamp taken from the line when found. */
export const textLinesFormat: TextFormat = {
  kind: "text",
  name: "text",
  description: "plain text (one event per line)",
  sniff: () => 0.01,
  open(sink) {
    const splitter = new LineSplitter((line) => {
      if (line.trim().length === 0) return;
      sink.event({ time: findTimestamp(line), raw: line, fields: {}, sourcetype: "text" });
    });
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};
