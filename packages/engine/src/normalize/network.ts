import type { ParsedEvent } from "../ingest/types.ts";
import type { FieldValue } from "../store/types.ts";
import { registerNormalizer } from "./index.ts";
import { text } from "./util.ts";

/** ECS names every CIM-shaped network log shares, as aliases of its CIM fields. */
const ECS_OVER_CIM: Record<string, string> = {
  "source.ip": "src_ip",
  "source.port": "src_port",
  "destination.ip": "dest_ip",
  "destination.port": "dest_port",
  "network.transport": "transport",
};

function num(v: FieldValue | undefined): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+(?:\.\d+)?$/.test(v)) return Number(v);
  return null;
}

/** `bytes` = in + out, when either is known. */
function sumBytes(e: ParsedEvent, a: string, b: string): void {
  const x = num(e.fields[a]);
  const y = num(e.fields[b]);
  if (x !== null || y !== null) e.fields.bytes = (x ?? 0) + (y ?? 0);
}

/** ECS event.category of the Zeek logs that have one (so EQL's `network where` sees them). */
const ZEEK_CATEGORY: Record<string, string> = Object.fromEntries([
  ...["conn", "dns", "http", "ssl", "ftp", "smtp", "ssh", "rdp", "smb_files", "smb_mapping", "dce_rpc", "kerberos", "ntlm",
    "ntp", "snmp", "dhcp", "quic", "modbus", "rfb", "ldap", "ldap_search", "sip", "socks", "tunnel", "irc", "mysql",
    "radius", "dnp3", "weird", "dpd", "notice"].map((p) => [p, "network"]),
  ...["files", "pe", "x509", "ocsp"].map((p) => [p, "file"]),
]);

/**
 * Zeek (`bro:*`, TSV or JSON): `id.orig_h`… stay; CIM and ECS names are aliases. CIM bytes_out is
 * what the originator sent (orig_bytes), bytes_in what it received (resp_bytes).
 */
registerNormalizer({
  matches: (st) => st.startsWith("bro:"),
  aliases: {
    src_ip: "id.orig_h",
    src: "id.orig_h",
    src_port: "id.orig_p",
    dest_ip: "id.resp_h",
    dest: "id.resp_h",
    dest_port: "id.resp_p",
    transport: "proto",
    app: "service",
    bytes_out: "orig_bytes",
    bytes_in: "resp_bytes",
    packets_out: "orig_pkts",
    packets_in: "resp_pkts",
    "source.ip": "id.orig_h",
    "source.port": "id.orig_p",
    "destination.ip": "id.resp_h",
    "destination.port": "id.resp_p",
    "network.transport": "proto",
    "network.protocol": "service",
    "event.id": "uid",
    // http
    http_method: "method",
    "http.request.method": "method",
    "url.original": "uri",
    site: "host",
    "url.domain": "host",
    status: "status_code",
    "http.response.status_code": "status_code",
    http_user_agent: "user_agent",
    "user_agent.original": "user_agent",
    http_referrer: "referrer",
    // dns
    "dns.question.name": "query",
    "dns.question.type": "qtype_name",
    "dns.response_code": "rcode_name",
    answer: "answers",
    reply_code: "rcode_name",
    // ssl / x509
    ssl_subject: "subject",
    ssl_issuer: "issuer",
    ssl_version: "version",
    ssl_cipher: "cipher",
    "tls.client.server_name": "server_name",
    "tls.version": "version",
    // notice / weird
    signature: "note",
    "rule.name": "note",
  },
  derive(e) {
    sumBytes(e, "orig_bytes", "resp_bytes");
    const category = ZEEK_CATEGORY[e.sourcetype.slice(4)];
    if (category) e.fields["event.category"] = category;
  },
});

/** The `CN=` part of an X.500 name (`C=US, CN=foo`); Suricata writes subjects this way. */
function commonName(dn: string): string | null {
  const m = /(?:^|[,/]\s*)CN\s*=\s*([^,/]+)/.exec(dn);
  return m ? m[1]!.trim() : null;
}

/** Suricata eve.json: its own src_ip/dest_ip are CIM already; the JSON paths get CIM/ECS aliases. */
registerNormalizer({
  matches: (st) => st === "suricata",
  aliases: {
    ...ECS_OVER_CIM,
    src: "src_ip",
    dest: "dest_ip",
    transport: "proto",
    "network.transport": "proto",
    app: "app_proto",
    "network.protocol": "app_proto",
    signature: "alert.signature",
    signature_id: "alert.signature_id",
    severity: "alert.severity",
    category: "alert.category",
    action: "alert.action",
    "rule.name": "alert.signature",
    "rule.id": "alert.signature_id",
    "rule.category": "alert.category",
    "event.severity": "alert.severity",
    bytes_out: "flow.bytes_toserver",
    bytes_in: "flow.bytes_toclient",
    packets_out: "flow.pkts_toserver",
    packets_in: "flow.pkts_toclient",
    ssl_issuer: "tls.issuerdn",
    ssl_subject: "tls.subject",
    ssl_version: "tls.version",
    ssl_cert_sha1: "tls.fingerprint",
    "tls.server.issuer": "tls.issuerdn",
    "tls.server.subject": "tls.subject",
    "tls.client.server_name": "tls.sni",
    http_method: "http.http_method",
    "http.request.method": "http.http_method",
    uri: "http.url",
    "url.original": "http.url",
    site: "http.hostname",
    "url.domain": "http.hostname",
    status: "http.status",
    "http.response.status_code": "http.status",
    http_user_agent: "http.http_user_agent",
    "user_agent.original": "http.http_user_agent",
    http_referrer: "http.http_refer",
    http_content_type: "http.http_content_type",
    query: "dns.rrname",
    "dns.question.name": "dns.rrname",
    "dns.question.type": "dns.rrtype",
    "event.kind": "event_type",
  },
  derive(e) {
    const f = e.fields;
    sumBytes(e, "flow.bytes_toserver", "flow.bytes_toclient");
    f["event.category"] = f.event_type === "alert" ? ["network", "intrusion_detection"] : "network";
    const subject = text(f["tls.subject"]);
    if (subject) {
      const cn = commonName(subject);
      if (cn) f.ssl_subject_common_name = cn;
    }
    const issuer = text(f["tls.issuerdn"]);
    if (issuer) {
      const cn = commonName(issuer);
      if (cn) f.ssl_issuer_common_name = cn;
    }
  },
});

/** Splunk Stream (`stream:*`): fields are CIM already; ECS aliases over them. */
registerNormalizer({
  matches: (st) => st.startsWith("stream:"),
  aliases: {
    ...ECS_OVER_CIM,
    src: "src_ip",
    dest: "dest_ip",
    "url.original": "uri",
    "url.domain": "site",
    "http.request.method": "http_method",
    "http.response.status_code": "status",
    "user_agent.original": "http_user_agent",
    "dns.question.name": "query",
    "tls.server.issuer": "ssl_issuer",
    "tls.server.subject": "ssl_subject",
    "network.protocol": "app",
  },
  derive(e) {
    const f = e.fields;
    if (f.bytes === undefined) sumBytes(e, "bytes_in", "bytes_out");
    f["event.category"] = "network";
  },
});

/** PAN-OS action → CIM action: allow → allowed; deny, drop, reset-* → blocked; alert → allowed. */
function panAction(vendor: string): string {
  if (vendor === "allow" || vendor === "alert") return "allowed";
  if (vendor === "deny" || vendor === "drop" || vendor.startsWith("reset") || vendor === "block" || vendor.startsWith("drop")) {
    return "blocked";
  }
  return vendor;
}

/** PAN-OS (`pan:*`): CIM names as the Splunk TA aliases them; the CIM `action` is computed. */
registerNormalizer({
  matches: (st) => st.startsWith("pan:"),
  aliases: {
    src: "src_ip",
    dest: "dest_ip",
    user: "src_user",
    "user.name": "src_user",
    transport: "protocol",
    "network.transport": "protocol",
    bytes_out: "bytes_sent",
    bytes_in: "bytes_received",
    packets_out: "pkts_sent",
    packets_in: "pkts_received",
    src_zone: "from_zone",
    dest_zone: "to_zone",
    src_interface: "inbound_if",
    dest_interface: "outbound_if",
    duration: "elapsed_sec",
    dvc_name: "device_name",
    dvc: "device_name",
    src_translated_ip: "nat_src_ip",
    dest_translated_ip: "nat_dest_ip",
    src_translated_port: "nat_src_port",
    dest_translated_port: "nat_dest_port",
    log_subtype: "subtype",
    signature: "threat_id",
    url: "misc",
    "url.original": "misc",
    "source.ip": "src_ip",
    "source.port": "src_port",
    "destination.ip": "dest_ip",
    "destination.port": "dest_port",
    "source.bytes": "bytes_sent",
    "destination.bytes": "bytes_received",
    "network.bytes": "bytes",
    "network.application": "app",
    "rule.name": "rule",
    "event.action": "vendor_action",
    "observer.name": "device_name",
  },
  derive(e) {
    const vendor = text(e.fields.vendor_action);
    if (vendor) e.fields.action = panAction(vendor);
    e.fields["event.category"] = e.sourcetype === "pan:threat" ? ["network", "intrusion_detection"] : "network";
  },
});

/** Apache/NCSA access logs (`access_combined`, `access_common`): CIM and ECS names as aliases. */
registerNormalizer({
  matches: (st) => st.startsWith("access_"),
  aliases: {
    src: "clientip",
    src_ip: "clientip",
    "source.ip": "clientip",
    http_method: "method",
    "http.request.method": "method",
    "url.original": "uri",
    "url.path": "uri_path",
    "url.query": "uri_query",
    http_referrer: "referer",
    "http.request.referrer": "referer",
    http_user_agent: "useragent",
    "user_agent.original": "useragent",
    "http.response.status_code": "status",
    "http.response.body.bytes": "bytes",
    "http.version": "version",
    "user.name": "user",
  },
  derive(e) {
    e.fields["event.category"] = "web";
  },
});
