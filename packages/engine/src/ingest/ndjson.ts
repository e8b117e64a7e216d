import { flattenJson } from "./flatten.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import { toEpochMs } from "./timestamp.ts";
import type { FlatFields } from "../store/types.ts";
import type { TextFormat } from "./types.ts";

/** Field names tried, in order, for an event's time in generic JSON. */
export const JSON_TIME_FIELDS = ["@timestamp", "timestamp", "ts", "time", "_time", "eventTime", "date"];

/** The event time of a flattened JSON object, trying the usual field names. */
export function jsonEventTime(fields: FlatFields): number {
  for (const name of JSON_TIME_FIELDS) {
    const v = fields[name];
    if (v !== undefined && v !== null) {
      const t = toEpochMs(v);
      if (!Number.isNaN(t)) return t;
    }
  }
  return NaN;
}

/** Line-delimited JSON: one object per line; blank lines are skipped, broken lines reported. */
export const ndjsonFormat: TextFormat = {
  kind: "text",
  name: "ndjson",
  description: "line-delimited JSON (one object per line)",
  sniff(head) {
    const lines = head.split("\n", 20).map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return 0;
    const objects = lines.filter((l) => l.startsWith("{")).length;
    return objects / lines.length >= 0.5 ? 0.6 : 0;
  },
  open(sink) {
    const splitter = new LineSplitter((line, lineNo) => {
      const text = line.trim();
      if (text.length === 0) return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        sink.problem({ line: lineNo, reason: `invalid JSON: ${(e as Error).message}`, sample: sampleOf(text) });
        return;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        sink.problem({ line: lineNo, reason: "JSON line is not an object", sample: sampleOf(text) });
        return;
      }
      const fields = flattenJson(value);
      sink.event({ time: jsonEventTime(fields), raw: text, fields, sourcetype: "_json" });
    });
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};
