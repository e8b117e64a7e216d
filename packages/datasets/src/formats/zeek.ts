/** Zeek (Bro) TSV logs as a perimeter sensor writes them: `#` header block, tab-separated records, `#close`. */

const CONN_FIELDS: [string, string][] = [
  ["ts", "time"], ["uid", "string"], ["id.orig_h", "addr"], ["id.orig_p", "port"], ["id.resp_h", "addr"], ["id.resp_p", "port"],
  ["proto", "enum"], ["service", "string"], ["duration", "interval"], ["orig_bytes", "count"], ["resp_bytes", "count"],
  ["conn_state", "string"], ["local_orig", "bool"], ["local_resp", "bool"], ["missed_bytes", "count"], ["history", "string"],
  ["orig_pkts", "count"], ["orig_ip_bytes", "count"], ["resp_pkts", "count"], ["resp_ip_bytes", "count"], ["tunnel_parents", "set[string]"],
];

const DNS_FIELDS: [string, string][] = [
  ["ts", "time"], ["uid", "string"], ["id.orig_h", "addr"], ["id.orig_p", "port"], ["id.resp_h", "addr"], ["id.resp_p", "port"],
  ["proto", "enum"], ["trans_id", "count"], ["rtt", "interval"], ["query", "string"], ["qclass", "count"], ["qclass_name", "string"],
  ["qtype", "count"], ["qtype_name", "string"], ["rcode", "count"], ["rcode_name", "string"], ["AA", "bool"], ["TC", "bool"],
  ["RD", "bool"], ["RA", "bool"], ["Z", "count"], ["answers", "vector[string]"], ["TTLs", "vector[interval]"], ["rejected", "bool"],
];

/** The header block of a Zeek log; `open` is Zeek's `YYYY-MM-DD-HH-MM-SS`. */
function header(path: string, fields: [string, string][], open: string): string {
  return (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n" +
    `#path\t${path}\n#open\t${open}\n#fields\t${fields.map((f) => f[0]).join("\t")}\n#types\t${fields.map((f) => f[1]).join("\t")}\n`
  );
}

/** Headers of conn.log and dns.log for a log opened at `open`. */
export function zeekHeaders(open: string): { conn: string; dns: string } {
  return { conn: header("conn", CONN_FIELDS, open), dns: header("dns", DNS_FIELDS, open) };
}

/** The `#close` line. */
export function zeekFooter(close: string): string {
  return `#close\t${close}\n`;
}

/** Zeek's `ts`: epoch seconds with microseconds. */
export function zeekTs(ms: number, micro: number): string {
  return `${Math.floor(ms / 1000)}.${String(Math.floor(ms % 1000)).padStart(3, "0")}${String(micro).padStart(3, "0")}`;
}

/** A value or Zeek's unset mark. */
function z(v: string | number | undefined): string {
  return v === undefined || v === "" ? "-" : String(v);
}

/** One conn.log record (values in `#fields` order). */
export function connRecord(c: {
  ts: string; uid: string; orig: string; origPort: number; resp: string; respPort: number; proto: string; service?: string;
  duration: number; origBytes: number; respBytes: number; state: string; localOrig: boolean; localResp: boolean; history: string;
  origPkts: number; respPkts: number;
}): string {
  return [
    c.ts, c.uid, c.orig, c.origPort, c.resp, c.respPort, c.proto, z(c.service), (c.duration / 1000).toFixed(6), c.origBytes, c.respBytes,
    c.state, c.localOrig ? "T" : "F", c.localResp ? "T" : "F", 0, c.history, c.origPkts, c.origBytes + c.origPkts * 40, c.respPkts,
    c.respBytes + c.respPkts * 40, "(empty)",
  ].join("\t");
}

const QTYPES: Record<string, number> = { A: 1, TXT: 16, AAAA: 28, PTR: 12, MX: 15 };

/** One dns.log record. */
export function dnsRecord(d: {
  ts: string; uid: string; orig: string; origPort: number; resp: string; transId: number; rttMs: number; query: string; qtype: string;
  rcode: string; answers: string[]; ttls: number[];
}): string {
  const nx = d.rcode !== "NoError";
  return [
    d.ts, d.uid, d.orig, d.origPort, d.resp, 53, "udp", d.transId, (d.rttMs / 1000).toFixed(6), d.query, 1, "C_INTERNET",
    QTYPES[d.qtype] ?? 1, d.qtype, nx ? 3 : 0, nx ? "NXDOMAIN" : "NOERROR", "F", "F", "T", "T", 0,
    d.answers.length ? d.answers.join(",") : "-", d.ttls.length ? d.ttls.map((t) => t.toFixed(6)).join(",") : "-", "F",
  ].join("\t");
}
