import { MAX_FLATTEN_DEPTH, flattenJson } from "./flatten.ts";
import { classifyJson } from "./json-kinds.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import type { ParseSink, TextFormat } from "./types.ts";

export { JSON_TIME_FIELDS, jsonEventTime } from "./json-kinds.ts";

/** Line-delimited JSON: one object per line; blank lines are skipped, broken lines reported. */
export const ndjsonFormat: TextFormat = {
  kind: "text",
  name: "ndjson",
  description: "line-delimited JSON (one object per line; Suricata eve.json, Zeek JSON, Splunk Stream recognised)",
  sniff(head) {
    const lines = head.split("\n", 20).map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return 0;
    const objects = lines.filter((l) => l.startsWith("{") && l.endsWith("}")).length;
    if (objects / lines.length < 0.5) return 0;
    // A first line that is a complete object is the mark of NDJSON over pretty-printed JSON.
    return parsesAsObject(lines[0]!) ? 0.8 : 0.6;
  },
  open(sink) {
    const splitter = new LineSplitter((line, lineNo) => {
      const text = line.trim();
      if (text.length === 0) return;
      emitJsonText(sink, text, lineNo);
    }, (p) => sink.problem(p));
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};

/** Parses one JSON object's text into an event (sourcetype by content), or reports why not. */
export function emitJsonText(sink: ParseSink, text: string, lineNo: number, extra?: { index?: string; id?: string }): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    sink.problem({ line: lineNo, reason: `invalid JSON: ${(e as Error).message}`, sample: sampleOf(text) });
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    sink.problem({ line: lineNo, reason: "JSON value is not an object", sample: sampleOf(text) });
    return;
  }
  const report = { tooDeep: false };
  const fields = flattenJson(value, undefined, "", 0, report);
  if (report.tooDeep) {
    sink.problem({
      line: lineNo,
      reason: `JSON nested too deeply: levels below ${MAX_FLATTEN_DEPTH} kept as JSON text`,
      sample: sampleOf(text),
    });
  }
  const kind = classifyJson(fields);
  if (extra?.index !== undefined) fields._index = extra.index;
  if (extra?.id !== undefined) fields._id = extra.id;
  sink.event({
    time: kind.time,
    raw: text,
    fields,
    sourcetype: kind.sourcetype,
    ...(extra?.index !== undefined ? { index: extra.index } : {}),
  });
}

function parsesAsObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}
