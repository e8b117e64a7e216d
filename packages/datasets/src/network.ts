import { panTrafficLine, type PanSession } from "./formats/pan.ts";
import { connRecord, dnsRecord, zeekTs } from "./formats/zeek.ts";
import type { Emitter } from "./output.ts";
import type { Rng } from "./prng.ts";
import { isoMicro, suricataTime } from "./time.ts";
import { DNS_SERVER, FIREWALL_PUBLIC } from "./world.ts";

/** A certificate as Stream and Suricata report it. */
export interface Cert {
  /** Stream's rendering, e.g. `C = US, O = Google Inc, CN = Google Internet Authority G2`. */
  issuer: string;
  subject: string;
  /** Suricata's rendering, e.g. `C=US, O=Google Inc, CN=...`. */
  issuerdn: string;
  subjectdn: string;
  serial: string;
  sha1: string;
  /** Stream's `ssl_hash` (an MD5 of the certificate, as the hunt's table shows it). */
  md5: string;
  validityStart: string;
  validityEnd: string;
}

/** What one TCP/UDP conversation is, for every sensor that sees it. */
export interface Flow {
  start: number;
  end: number;
  src: string;
  srcPort: number;
  dest: string;
  destPort: number;
  transport: "tcp" | "udp";
  /** Client → server. */
  bytesOut: number;
  /** Server → client. */
  bytesIn: number;
  /** Stream/PAN application name: ssl, http, dns, ftp, ftp-data, smtp, … */
  app: string;
  /** Crosses the firewall (PAN logs it). */
  viaFirewall: boolean;
  /** Direction through the firewall. */
  inbound?: boolean;
  panUser?: string;
  panCategory?: string;
  panApp?: string;
  /** Destination country for PAN. */
  destLocation?: string;
  cert?: Cert;
  /** Suricata writes a `tls` record for this flow. */
  suricataTls?: boolean;
  /** Suricata writes a `flow` record for this flow. */
  suricataFlow?: boolean;
  /** stream:tcp sees this flow (TCP only). */
  streamTcp?: boolean;
  /** stream:ip sees this flow. */
  streamIp?: boolean;
  sni?: string;
}

const CLIENT_MAC = "00:0c:29:b1:7d:3a";
const GW_MAC = "00:1b:17:00:01:10";

function isInternal(ip: string): boolean {
  return ip.startsWith("10.") || ip.startsWith("172.31.") || ip.startsWith("192.168.");
}

/**
 * The wire: Splunk Stream (tcp/ip/http/dns/ftp/smtp), Suricata eve.json and the PAN firewall
 * all describe the same flows, with ids and counters shared across them.
 */
export class Wire {
  private flowId: number;
  private sessionId: number;
  private seqNo: number;
  private readonly ports = new Map<string, number>();

  constructor(private readonly rng: Rng, private readonly em: Emitter) {
    this.flowId = rng.int(1, 1 << 30) * 1024;
    this.sessionId = rng.int(10000, 60000);
    this.seqNo = rng.int(1_000_000, 40_000_000);
  }

  /** The next ephemeral source port of a host (Windows range, wrapping). */
  ephemeral(ip: string): number {
    let p = this.ports.get(ip) ?? this.rng.int(49200, 60000);
    p += this.rng.int(1, 4);
    if (p > 65500) p = 49160;
    this.ports.set(ip, p);
    return p;
  }

  private micro(): number {
    return this.rng.int(0, 999);
  }

  private streamCommon(f: Flow): Record<string, unknown> {
    return {
      endtime: isoMicro(f.end, this.micro()),
      timestamp: isoMicro(f.start, this.micro()),
      bytes: f.bytesIn + f.bytesOut,
      bytes_in: f.bytesOut,
      bytes_out: f.bytesIn,
      dest_ip: f.dest,
      dest_mac: isInternal(f.dest) ? "00:50:56:a4:" + this.rng.hex(2) + ":" + this.rng.hex(2) : GW_MAC,
      dest_port: f.destPort,
      packets_in: Math.max(1, Math.round(f.bytesOut / 600)),
      packets_out: Math.max(1, Math.round(f.bytesIn / 900)),
      src_ip: f.src,
      src_mac: isInternal(f.src) ? CLIENT_MAC : GW_MAC,
      src_port: f.srcPort,
      time_taken: Math.max(1, Math.round((f.end - f.start) * 1000)),
      transport: f.transport,
    };
  }

  /** A Zeek connection uid: `C` and 17 base-62 characters. */
  private uid(): string {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let u = "C";
    for (let i = 0; i < 17; i++) u += chars[this.rng.u32() % 62];
    return u;
  }

  /** Writes a flow to every sensor that sees it: stream:tcp / stream:ip, PAN, Suricata flow/tls, Zeek conn.log. */
  flow(f: Flow): void {
    const flowId = (this.flowId += this.rng.int(1, 4096));
    if (f.viaFirewall || f.streamTcp || f.streamIp) {
      const pktsOut = Math.max(1, Math.round(f.bytesOut / 600));
      const pktsIn = Math.max(1, Math.round(f.bytesIn / 900));
      const service = f.cert ? "ssl" : ["http", "dns", "ftp", "ftp-data", "smtp", "ntp"].includes(f.app) ? f.app : undefined;
      const rec = connRecord({
        ts: zeekTs(f.start, this.micro()), uid: this.uid(), orig: f.src, origPort: f.srcPort, resp: f.dest, respPort: f.destPort,
        proto: f.transport, ...(service ? { service } : {}), duration: f.end - f.start, origBytes: f.bytesOut, respBytes: f.bytesIn,
        state: "SF", localOrig: isInternal(f.src), localResp: isInternal(f.dest),
        history: f.transport === "tcp" ? "ShADadFf" : "Dd", origPkts: pktsOut, respPkts: pktsIn,
      });
      // Zeek writes a connection when it ends.
      this.em.emit(f.end, "bro_conn", () => rec);
    }
    if (f.streamTcp && f.transport === "tcp") {
      const rec: Record<string, unknown> = {
        ...this.streamCommon(f),
        app: f.app,
        client_rtt: this.rng.int(20, 90000),
        connection: `${f.src}:${f.srcPort}`,
        // Stream's stack ends in the layer it decoded; stream:tcp records stop at tcp (or ssl).
        protocol_stack: f.cert ? "ip:tcp:ssl" : "ip:tcp",
        server_rtt: this.rng.int(20, 90000),
        tcp_status: 0,
      };
      if (f.cert) {
        Object.assign(rec, {
          ssl_cert_sha1: f.cert.sha1,
          ssl_hash: f.cert.md5,
          ssl_issuer: f.cert.issuer,
          ssl_issuer_country: countryOf(f.cert.issuer),
          ssl_serial: f.cert.serial,
          ssl_session_id: this.rng.hex(64).toUpperCase(),
          ssl_subject: f.cert.subject,
          ssl_subject_common_name: cnOf(f.cert.subject),
          ssl_validity_end: f.cert.validityEnd,
          ssl_validity_start: f.cert.validityStart,
          ssl_version: "TLSv1.2",
          ...(f.sni ? { ssl_server_name: f.sni } : {}),
        });
      }
      const t = f.end;
      const text = JSON.stringify(rec);
      this.em.emit(t, "stream_tcp", () => text);
    }
    if (f.streamIp) {
      const rec = { ...this.streamCommon(f), protocol: f.transport === "tcp" ? 6 : 17, protocol_stack: "ip", app: f.app };
      const text = JSON.stringify(rec);
      this.em.emit(f.end, "stream_ip", () => text);
    }
    if (f.viaFirewall) this.pan(f);
    if (f.suricataTls && f.cert) {
      const t = f.start + this.rng.int(40, 400);
      const rec = {
        timestamp: suricataTime(t, this.micro()),
        flow_id: flowId,
        in_iface: "eth1",
        event_type: "tls",
        src_ip: f.src,
        src_port: f.srcPort,
        dest_ip: f.dest,
        dest_port: f.destPort,
        proto: "TCP",
        tls: {
          subject: f.cert.subjectdn,
          issuerdn: f.cert.issuerdn,
          serial: f.cert.serial.length > 12 ? hexSerial(f.cert.serial) : f.cert.serial,
          fingerprint: f.cert.sha1.toLowerCase().replace(/(..)(?!$)/g, "$1:"),
          ...(f.sni ? { sni: f.sni } : {}),
          version: "TLS 1.2",
          notbefore: f.cert.validityStart,
          notafter: f.cert.validityEnd,
        },
      };
      const text = JSON.stringify(rec);
      this.em.emit(t, "suricata", () => text);
    }
    if (f.suricataFlow) {
      const rec = {
        timestamp: suricataTime(f.end, this.micro()),
        flow_id: flowId,
        in_iface: "eth1",
        event_type: "flow",
        src_ip: f.src,
        src_port: f.srcPort,
        dest_ip: f.dest,
        dest_port: f.destPort,
        proto: f.transport.toUpperCase(),
        app_proto: f.cert ? "tls" : f.app === "http" ? "http" : f.app === "dns" ? "dns" : f.app === "ftp" ? "ftp" : "failed",
        flow: {
          pkts_toserver: Math.max(1, Math.round(f.bytesOut / 600)),
          pkts_toclient: Math.max(0, Math.round(f.bytesIn / 900)),
          bytes_toserver: f.bytesOut,
          bytes_toclient: f.bytesIn,
          start: suricataTime(f.start, this.micro()),
          end: suricataTime(f.end, this.micro()),
          age: Math.round((f.end - f.start) / 1000),
          state: f.transport === "tcp" ? "closed" : "established",
          reason: "timeout",
          alerted: false,
        },
        ...(f.transport === "tcp" ? { tcp: { tcp_flags: "1b", tcp_flags_ts: "1b", tcp_flags_tc: "1b", syn: true, fin: true, psh: true, ack: true, state: "closed" } } : {}),
      };
      const text = JSON.stringify(rec);
      this.em.emit(f.end, "suricata", () => text);
    }
  }

  /** A PAN TRAFFIC end/deny record for a flow. */
  private pan(f: Flow): void {
    const outbound = !f.inbound;
    const s: PanSession = {
      end: f.end,
      start: f.start,
      subtype: "end",
      src: f.src,
      dest: f.dest,
      ...(outbound && isInternal(f.src) ? { natSrc: FIREWALL_PUBLIC, natSrcPort: this.rng.int(1024, 65000) } : {}),
      rule: outbound ? "allow-outbound" : "allow-dmz-web",
      ...(f.panUser ? { user: f.panUser } : {}),
      app: f.panApp ?? f.app,
      fromZone: outbound ? "trust" : "untrust",
      toZone: outbound ? "untrust" : "dmz",
      srcPort: f.srcPort,
      destPort: f.destPort,
      proto: f.transport,
      action: "allow",
      bytesSent: f.bytesOut,
      bytesReceived: f.bytesIn,
      pktsSent: Math.max(1, Math.round(f.bytesOut / 600)),
      pktsReceived: Math.max(1, Math.round(f.bytesIn / 900)),
      category: f.panCategory ?? "any",
      sessionId: (this.sessionId = (this.sessionId + this.rng.int(1, 40)) % 900000),
      seqNo: (this.seqNo += 1),
      endReason: f.transport === "tcp" ? "tcp-fin" : "aged-out",
      srcLocation: isInternal(f.src) ? "10.0.0.0-10.255.255.255" : "United States",
      destLocation: f.destLocation ?? (isInternal(f.dest) ? "10.0.0.0-10.255.255.255" : "United States"),
    };
    const line = panTrafficLine(s);
    this.em.emit(f.end, "pan_traffic", () => line);
  }

  /** A denied inbound connection attempt (scanner noise at the edge). */
  denied(t: number, src: string, dest: string, destPort: number, proto: "tcp" | "udp", country: string): void {
    const s: PanSession = {
      end: t, start: t, subtype: "deny", src, dest, rule: "interzone-default", app: "not-applicable", fromZone: "untrust", toZone: "trust",
      srcPort: this.rng.int(1024, 65000), destPort, proto, action: "deny", bytesSent: 60, bytesReceived: 0, pktsSent: 1, pktsReceived: 0,
      category: "any", sessionId: 0, seqNo: (this.seqNo += 1), endReason: "policy-deny", srcLocation: country, destLocation: "United States",
    };
    const line = panTrafficLine(s);
    this.em.emit(t, "pan_traffic", () => line);
  }

  /** A DNS transaction in stream:dns (one record with query and answers), optionally in Suricata too. */
  dns(t: number, client: string, query: string, answers: string[], opts: { server?: string; type?: string; suricata?: boolean; rcode?: string } = {}): void {
    const server = opts.server ?? DNS_SERVER;
    const srcPort = this.rng.int(49152, 65535);
    const rtt = this.rng.int(1, 60);
    const rcode = opts.rcode ?? (answers.length ? "NoError" : "NXDomain");
    const rec = {
      endtime: isoMicro(t + rtt, this.micro()),
      timestamp: isoMicro(t, this.micro()),
      bytes: 74 + query.length * 2 + answers.length * 16,
      bytes_in: 30 + query.length,
      bytes_out: 44 + query.length + answers.length * 16,
      dest_ip: server,
      dest_port: 53,
      host_addr: answers,
      message_type: ["QUERY", "RESPONSE"],
      name: [query],
      protocol_stack: "ip:udp:dns",
      query: [query],
      query_type: [opts.type ?? "A"],
      reply_code: rcode,
      reply_code_id: rcode === "NoError" ? 0 : 3,
      response_time: rtt * 1000,
      src_ip: client,
      src_port: srcPort,
      transaction_id: this.rng.int(1, 65535),
      transport: "udp",
      ttl: answers.map(() => this.rng.pick([60, 300, 3600])),
    };
    const text = JSON.stringify(rec);
    this.em.emit(t + rtt, "stream_dns", () => text);
    const zeek = dnsRecord({
      ts: zeekTs(t, this.micro()), uid: this.uid(), orig: client, origPort: srcPort, resp: server, transId: rec.transaction_id, rttMs: rtt,
      query, qtype: opts.type ?? "A", rcode, answers, ttls: rec.ttl,
    });
    this.em.emit(t, "bro_dns", () => zeek);
    if (opts.suricata) {
      const flowId = (this.flowId += this.rng.int(1, 4096));
      const q = JSON.stringify({
        timestamp: suricataTime(t, this.micro()), flow_id: flowId, in_iface: "eth1", event_type: "dns", src_ip: client, src_port: srcPort,
        dest_ip: server, dest_port: 53, proto: "UDP", dns: { type: "query", id: rec.transaction_id, rrname: query, rrtype: opts.type ?? "A", tx_id: 0 },
      });
      this.em.emit(t, "suricata", () => q);
    }
  }

  /** A Stream HTTP transaction. */
  http(r: {
    t: number; src: string; srcPort: number; dest: string; destPort: number; site: string; method: string; uri: string; status: number;
    ua: string; referrer?: string; bytesIn: number; bytesOut: number; contentType?: string; cookie?: string; formData?: string;
  }): void {
    const q = r.uri.indexOf("?");
    const end = r.t + this.rng.int(5, 400);
    const rec: Record<string, unknown> = {
      endtime: isoMicro(end, this.micro()),
      timestamp: isoMicro(r.t, this.micro()),
      bytes: r.bytesIn + r.bytesOut,
      bytes_in: r.bytesOut,
      bytes_out: r.bytesIn,
      dest_ip: r.dest,
      dest_port: r.destPort,
      http_content_type: r.contentType ?? "text/html; charset=UTF-8",
      http_method: r.method,
      http_user_agent: r.ua,
      ...(r.referrer ? { http_referrer: r.referrer } : {}),
      ...(r.cookie ? { cookie: r.cookie } : {}),
      ...(r.formData ? { form_data: r.formData } : {}),
      protocol_stack: "ip:tcp:http",
      site: r.site,
      src_ip: r.src,
      src_port: r.srcPort,
      status: r.status,
      transport: "tcp",
      uri: r.uri,
      uri_path: q >= 0 ? r.uri.slice(0, q) : r.uri,
      ...(q >= 0 ? { uri_query: r.uri.slice(q + 1) } : {}),
    };
    const text = JSON.stringify(rec);
    // Stream's _time is the end of the transaction, so that is where it sits in the file.
    this.em.emit(end, "stream_http", () => text);
  }

  /** A Suricata alert. */
  alert(t: number, a: { src: string; srcPort: number; dest: string; destPort: number; proto: "TCP" | "UDP"; sid: number; signature: string; category: string; severity: number; http?: { hostname: string; url: string; ua: string } }): void {
    const rec = {
      timestamp: suricataTime(t, this.micro()), flow_id: (this.flowId += this.rng.int(1, 4096)), in_iface: "eth1", event_type: "alert",
      src_ip: a.src, src_port: a.srcPort, dest_ip: a.dest, dest_port: a.destPort, proto: a.proto,
      alert: { action: "allowed", gid: 1, signature_id: a.sid, rev: this.rng.int(1, 9), signature: a.signature, category: a.category, severity: a.severity },
      ...(a.http ? { app_proto: "http", http: { hostname: a.http.hostname, url: a.http.url, http_user_agent: a.http.ua, http_method: "GET", protocol: "HTTP/1.1", length: 0 } } : {}),
    };
    const text = JSON.stringify(rec);
    this.em.emit(t, "suricata", () => text);
  }
}

function countryOf(dn: string): string {
  const m = /(?:^|, )C = ([A-Z]{2})/.exec(dn);
  return m ? m[1]! : "";
}

function cnOf(dn: string): string {
  const m = /CN = ([^,]+)/.exec(dn);
  return m ? m[1]! : "";
}

/** A decimal serial as colon-separated hex bytes (Suricata's rendering). */
function hexSerial(dec: string): string {
  let n = BigInt(dec);
  let hex = n.toString(16).toUpperCase();
  if (hex.length % 2) hex = "0" + hex;
  n = 0n;
  return hex.replace(/(..)(?!$)/g, "$1:");
}
