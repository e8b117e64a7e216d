import type { FlatFields } from "../store/types.ts";
import { findTimestamp } from "./find-timestamp.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import { toEpochMs } from "./timestamp.ts";
import type { TextFormat } from "./types.ts";

/**
 * Splits one CSV record (RFC 4180: `"` quotes, `""` escapes a quote, separators and newlines
 * allowed inside quotes). Returns null when a quote is still open at the end, meaning the record
 * continues on the next line.
 */
export function splitCsvRecord(text: string, sep = ","): string[] | null {
  const out: string[] = [];
  const n = text.length;
  const sepCode = sep.charCodeAt(0);
  let i = 0;
  for (;;) {
    if (i < n && text.charCodeAt(i) === 34 /* " */) {
      let value = "";
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return null;
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Text between a closing quote and the separator is kept, as lenient readers do.
      const next = text.indexOf(sep, i);
      const end = next < 0 ? n : next;
      value += text.slice(i, end);
      out.push(value);
      if (next < 0) return out;
      i = next + 1;
    } else {
      let next = i;
      while (next < n && text.charCodeAt(next) !== sepCode) next++;
      out.push(text.slice(i, next));
      if (next >= n) return out;
      i = next + 1;
    }
  }
}

const TIME_COLUMNS = ["_time", "@timestamp", "timestamp", "time", "datetime", "date", "eventtime", "ts", "utctime"];

/**
 * CSV with a header line: each record becomes an event with the header's names; a record whose
 * field count differs is reported (and still loaded when it has at least one field). The event
 * time comes from a time-like column, else from a timestamp found in the record.
 */
export const csvFormat: TextFormat = {
  kind: "text",
  name: "csv",
  description: "CSV with a header line (RFC 4180 quoting)",
  sniff(head) {
    const lines = head.split("\n", 21).map((l) => l.replace(/\r$/, ""));
    // The last piece may be cut off by the head's end.
    if (lines.length > 2) lines.pop();
    const header = splitCsvRecord(lines[0] ?? "");
    if (!header || header.length < 2) return 0;
    if (!header.every((h) => /^[\w .@{}\-:/()#]{1,80}$/.test(h.trim()))) return 0;
    let records = 0;
    let same = 0;
    let pending = "";
    for (const line of lines.slice(1)) {
      const text = pending ? pending + "\n" + line : line;
      if (text.length === 0) continue;
      const parts = splitCsvRecord(text);
      if (!parts) {
        pending = text;
        continue;
      }
      pending = "";
      records++;
      if (parts.length === header.length) same++;
    }
    return records > 0 && same / records >= 0.6 ? 0.5 : 0;
  },
  open(sink) {
    let header: string[] | null = null;
    let timeColumn = -1;
    let pending = "";
    let pendingLine = 0;
    const record = (text: string, lineNo: number) => {
      const parts = splitCsvRecord(text);
      if (!parts) {
        sink.problem({ line: lineNo, reason: "unclosed quote: the CSV record never ends", sample: sampleOf(text) });
        return;
      }
      if (!header) {
        header = parts.map((h, i) => h.trim() || `column_${i + 1}`);
        const lower = header.map((h) => h.toLowerCase());
        timeColumn = TIME_COLUMNS.map((c) => lower.indexOf(c)).find((i) => i >= 0) ?? -1;
        return;
      }
      if (parts.length !== header.length) {
        sink.problem({
          line: lineNo,
          reason: `wrong field count: expected ${header.length} fields (header), found ${parts.length}`,
          sample: sampleOf(text),
        });
      }
      const fields: FlatFields = {};
      for (let i = 0; i < parts.length; i++) {
        const v = parts[i]!;
        if (v.length === 0) continue;
        fields[header[i] ?? `column_${i + 1}`] = v;
      }
      let time = timeColumn >= 0 && parts[timeColumn] ? toEpochMs(parts[timeColumn]) : NaN;
      if (Number.isNaN(time)) time = findTimestamp(text);
      sink.event({ time, raw: text, fields, sourcetype: "csv" });
    };
    const splitter = new LineSplitter((line, lineNo) => {
      if (pending) {
        pending += "\n" + line;
        if (splitCsvRecord(pending) === null && pending.length < 16 * 1024 * 1024) return;
        const text = pending;
        pending = "";
        record(text, pendingLine);
        return;
      }
      if (line.length === 0) return;
      if (splitCsvRecord(line) === null) {
        pending = line;
        pendingLine = lineNo;
        return;
      }
      record(line, lineNo);
    }, (p) => sink.problem(p));
    return {
      write: (c) => splitter.write(c),
      end: () => {
        splitter.end();
        if (pending) record(pending, pendingLine);
      },
    };
  },
};
