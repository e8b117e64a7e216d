import type { FlatFields } from "../store/types.ts";
import { splitCsvRecord } from "./csv.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import type { TextFormat } from "./types.ts";

/**
 * PAN-OS TRAFFIC/THREAT logs: CSV over syslog (`Nov 30 16:09:08 PA-220 1,2018/11/30 …`), as
 * Splunk's `pan:traffic`/`pan:threat` index them. Columns are named per the PAN-OS 8.x field
 * lists (reference/botsv2-formats.md); FUTURE_USE columns are dropped, lines may be shorter or
 * longer than the list (older/newer PAN-OS), extra columns become `field_N`. The raw action
 * (allow/deny/drop/reset-*) is `vendor_action`, as the Splunk TA names it; the CIM `action`
 * (allowed/blocked) is derived by the normaliser.
 */

/** TRAFFIC columns, 1-based positions in order; "" marks FUTURE_USE. */
const TRAFFIC = [
  "", "receive_time", "serial", "type", "subtype", "", "generated_time", "src_ip", "dest_ip", "nat_src_ip",
  "nat_dest_ip", "rule", "src_user", "dest_user", "app", "vsys", "from_zone", "to_zone", "inbound_if", "outbound_if",
  "log_action", "", "session_id", "repeat_count", "src_port", "dest_port", "nat_src_port", "nat_dest_port", "flags",
  "protocol", "vendor_action", "bytes", "bytes_sent", "bytes_received", "packets", "start_time", "elapsed_sec",
  "category", "", "seqno", "action_flags", "src_location", "dest_location", "", "pkts_sent", "pkts_received",
  "session_end_reason", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4", "vsys_name",
  "device_name", "action_source", "src_uuid", "dst_uuid", "tunnel_id", "monitor_tag", "parent_session_id",
  "parent_start_time", "tunnel_type", "sctp_assoc_id", "sctp_chunks", "sctp_chunks_sent", "sctp_chunks_received",
];

/** THREAT columns (PAN-OS 8.x), same conventions. */
const THREAT = [
  "", "receive_time", "serial", "type", "subtype", "", "generated_time", "src_ip", "dest_ip", "nat_src_ip",
  "nat_dest_ip", "rule", "src_user", "dest_user", "app", "vsys", "from_zone", "to_zone", "inbound_if", "outbound_if",
  "log_action", "", "session_id", "repeat_count", "src_port", "dest_port", "nat_src_port", "nat_dest_port", "flags",
  "protocol", "vendor_action", "misc", "threat_id", "category", "severity", "direction", "seqno", "action_flags",
  "src_location", "dest_location", "", "content_type", "pcap_id", "file_digest", "cloud", "url_idx", "user_agent",
  "file_type", "xff", "referer", "sender", "subject", "recipient", "report_id", "dg_hier_level_1", "dg_hier_level_2",
  "dg_hier_level_3", "dg_hier_level_4", "vsys_name", "device_name", "", "src_uuid", "dst_uuid", "http_method",
  "tunnel_id", "monitor_tag", "parent_session_id", "parent_start_time", "tunnel_type", "threat_category",
  "content_version",
];

/** Columns of the other log types (SYSTEM, CONFIG…): only the common head is named. */
const OTHER = ["", "receive_time", "serial", "type", "subtype", "", "generated_time"];

const NUMERIC = new Set([
  "repeat_count", "src_port", "dest_port", "nat_src_port", "nat_dest_port", "bytes", "bytes_sent", "bytes_received",
  "packets", "elapsed_sec", "pkts_sent", "pkts_received", "session_id", "seqno",
]);

const SYSLOG_HEAD = /^(?:<\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?) (\S+) /;
const PAN_CSV = /^\d+,\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2},[^,]*,([A-Z][A-Z-]*),/;

/** The PAN CSV part of a line and the syslog host, or null when the line is not a PAN log. */
export function splitPanLine(line: string): { host: string | null; csv: string; type: string } | null {
  const head = SYSLOG_HEAD.exec(line);
  const csv = head ? line.slice(head[0].length) : line;
  const m = PAN_CSV.exec(csv);
  if (!m) return null;
  return { host: head ? head[1]! : null, csv, type: m[1]! };
}

/** PAN-OS syslog CSV → `pan:<type>` events with named columns. */
export const panCsvFormat: TextFormat = {
  kind: "text",
  name: "pan-csv",
  description: "PAN-OS TRAFFIC/THREAT CSV (syslog)",
  sniff(head) {
    const lines = head.split("\n", 10).filter((l) => l.trim().length > 0);
    if (lines.length === 0) return 0;
    const pan = lines.filter((l) => splitPanLine(l) !== null).length;
    return pan / lines.length >= 0.5 ? 0.95 : 0;
  },
  open(sink) {
    const splitter = new LineSplitter((line, lineNo) => {
      if (line.trim().length === 0) return;
      const pan = splitPanLine(line);
      if (!pan) {
        sink.problem({ line: lineNo, reason: "not a PAN-OS log line", sample: sampleOf(line) });
        return;
      }
      const parts = splitCsvRecord(pan.csv);
      if (!parts) {
        sink.problem({ line: lineNo, reason: "unclosed quote in PAN-OS CSV", sample: sampleOf(line) });
        return;
      }
      const names = pan.type === "TRAFFIC" ? TRAFFIC : pan.type === "THREAT" ? THREAT : OTHER;
      const fields: FlatFields = {};
      for (let i = 0; i < parts.length; i++) {
        const v = parts[i]!;
        if (v.length === 0) continue;
        const name = i < names.length ? names[i]! : `field_${i + 1}`;
        if (name === "") continue;
        fields[name] = NUMERIC.has(name) && /^\d+$/.test(v) ? Number(v) : v;
      }
      const generated = typeof fields.generated_time === "string" ? fields.generated_time : fields.receive_time;
      sink.event({
        time: typeof generated === "string" ? panTime(generated) : NaN,
        raw: line,
        fields,
        sourcetype: "pan:" + pan.type.toLowerCase(),
        ...(pan.host ? { host: pan.host } : {}),
      });
    }, (p) => sink.problem(p));
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};

/**
 * `YYYY/MM/DD HH:MM:SS` → ms. PAN-OS writes the firewall's local time with no zone; it is taken
 * as UTC here (the display timezone setting shifts it), as no offset is known at ingest.
 */
export function panTime(text: string): number {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}
