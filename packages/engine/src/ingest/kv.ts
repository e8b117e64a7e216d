import type { FlatFields } from "../store/types.ts";
import { findTimestamp } from "./find-timestamp.ts";
import { LineSplitter } from "./lines.ts";
import { toEpochMs } from "./timestamp.ts";
import type { TextFormat } from "./types.ts";

const PAIR = /(?:^|[\s,;|])([A-Za-z_@][\w.@:-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;|]*)/g;
const TIME_KEYS = ["_time", "timestamp", "time", "date", "ts", "eventtime", "@timestamp"];

/** The `key=value` pairs of a line (values may be double- or single-quoted); later keys repeat into multi-values. */
export function parseKvPairs(line: string): FlatFields {
  const fields: FlatFields = {};
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(line); m; m = PAIR.exec(line)) {
    const key = m[1]!;
    let value = m[2]!;
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
      value = value.slice(1, -1);
      if (m[2]![0] === '"') value = value.replace(/\\(["\\])/g, "$1");
    }
    if (value.length === 0) continue;
    const prev = fields[key];
    if (prev === undefined) fields[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else fields[key] = [prev, value];
  }
  return fields;
}

/** `key=value` lines (firewalls, Linux audit, app logs): every pair a field; time from a time key or the text. */
export const kvFormat: TextFormat = {
  kind: "text",
  name: "kv",
  description: "key=value lines",
  sniff(head) {
    const lines = head.split("\n", 20).filter((l) => l.trim().length > 0);
    if (lines.length === 0) return 0;
    const kv = lines.filter((l) => Object.keys(parseKvPairs(l)).length >= 3).length;
    return kv / lines.length >= 0.6 ? 0.4 : 0;
  },
  open(sink) {
    const splitter = new LineSplitter((line) => {
      if (line.trim().length === 0) return;
      const fields = parseKvPairs(line);
      let time = NaN;
      for (const k of TIME_KEYS) {
        const v = fields[k];
        if (typeof v === "string") {
          time = toEpochMs(v);
          if (!Number.isNaN(time)) break;
        }
      }
      if (Number.isNaN(time)) time = findTimestamp(line);
      sink.event({ time, raw: line, fields, sourcetype: "kv" });
    }, (p) => sink.problem(p));
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};
