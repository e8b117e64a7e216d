import type { FieldValue, FlatFields } from "../store/types.ts";
import { toEpochMs } from "./timestamp.ts";

/** What a JSON object turned out to be: its Splunk sourcetype and event time. */
export interface JsonKind {
  sourcetype: string;
  time: number;
}

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

const SURICATA_TYPES = new Set([
  "alert", "anomaly", "dcerpc", "dhcp", "dnp3", "dns", "drop", "fileinfo", "flow", "ftp", "ftp_data", "http", "http2",
  "ikev2", "krb5", "mqtt", "netflow", "nfs", "pgsql", "quic", "rdp", "rfb", "sip", "smb", "smtp", "snmp", "ssh", "stats",
  "tftp", "tls", "bittorrent-dht", "ike", "modbus", "frame",
]);

/**
 * Recognises the JSON logs a SOC has by their content, as Splunk's TAs would sourcetype them:
 * Suricata eve.json (`suricata`), Zeek JSON (`bro:<_path>`), Splunk Stream (`stream:<protocol>`);
 * anything else is `_json` with the usual time fields.
 */
export function classifyJson(fields: FlatFields): JsonKind {
  const eventType = fields.event_type;
  if (typeof eventType === "string" && SURICATA_TYPES.has(eventType) && fields.timestamp !== undefined) {
    return { sourcetype: "suricata", time: toEpochMs(fields.timestamp) };
  }
  const path = fields._path;
  if (typeof path === "string" && path && (fields.ts !== undefined || fields._write_ts !== undefined)) {
    return { sourcetype: "bro:" + path, time: toEpochMs(fields.ts ?? fields._write_ts) };
  }
  if (fields["id.orig_h"] !== undefined && fields.ts !== undefined && fields.uid !== undefined) {
    // Zeek JSON without `_path`: the log type is unknown, the family is not.
    return { sourcetype: "bro:json", time: toEpochMs(fields.ts) };
  }
  if (fields.endtime !== undefined && fields.timestamp !== undefined && (fields.protocol_stack !== undefined || fields.src_ip !== undefined)) {
    // Splunk Stream takes _time from the end of the flow.
    const end = toEpochMs(fields.endtime);
    return { sourcetype: "stream:" + streamProtocol(fields), time: Number.isNaN(end) ? toEpochMs(fields.timestamp) : end };
  }
  return { sourcetype: "_json", time: jsonEventTime(fields) };
}

/** Stream's protocol: the last layer of `protocol_stack` (ssl counts as tcp), else telling fields. */
/**
 * The protocol a Stream `protocol_stack` ("ip:tcp:http") names: its innermost plain layer, TLS
 * counted as tcp; "" for none. A log repeats a handful of stacks, so each is worked out once
 * (lower-casing and splitting per event was ~5% of stream:http ingest).
 */
function stackProtocol(stack: string): string {
  let p = stackProtocols.get(stack);
  if (p === undefined) {
    p = "";
    const layers = stack.toLowerCase().split(":");
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (layer === "ssl" || layer === "tls") {
        p = "tcp";
        break;
      }
      if (/^[a-z0-9]+$/.test(layer)) {
        p = layer;
        break;
      }
    }
    if (stackProtocols.size >= 1024) stackProtocols.clear();
    stackProtocols.set(stack, p);
  }
  return p;
}
const stackProtocols = new Map<string, string>();

function streamProtocol(fields: FlatFields): string {
  const stack = firstString(fields.protocol_stack);
  if (stack) {
    const p = stackProtocol(stack);
    if (p !== "") return p;
  }
  if (fields.http_method !== undefined || fields.uri_path !== undefined || fields.site !== undefined) return "http";
  if (fields.query_type !== undefined || fields["query{}"] !== undefined || fields.message_type !== undefined) return "dns";
  if (fields.sender !== undefined || fields["receiver{}"] !== undefined) return "smtp";
  if (fields.method !== undefined && fields.reply_code !== undefined) return "ftp";
  const transport = firstString(fields.transport);
  if (transport === "tcp" || transport === "udp") return transport;
  return "ip";
}

function firstString(v: FieldValue | undefined): string | null {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  return null;
}
