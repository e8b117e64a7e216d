import { panTime, syslogTime } from "../time.ts";
import { FIREWALL_NAME, FIREWALL_SERIAL } from "../world.ts";

/** One PAN-OS TRAFFIC session as the firewall logs it at session end. */
export interface PanSession {
  /** Session end (log time), ms. */
  end: number;
  start: number;
  subtype: "end" | "drop" | "deny" | "start";
  src: string;
  dest: string;
  /** Source NAT for outbound sessions; empty for inbound/denied. */
  natSrc?: string;
  rule: string;
  user?: string;
  app: string;
  fromZone: string;
  toZone: string;
  srcPort: number;
  destPort: number;
  natSrcPort?: number;
  proto: "tcp" | "udp" | "icmp";
  action: "allow" | "deny" | "drop" | "reset-both";
  bytesSent: number;
  bytesReceived: number;
  pktsSent: number;
  pktsReceived: number;
  category: string;
  sessionId: number;
  seqNo: number;
  endReason: string;
  srcLocation: string;
  destLocation: string;
}

/** A TRAFFIC log line: syslog header + 65 comma-separated PAN-OS 8.x columns. */
export function panTrafficLine(s: PanSession): string {
  const gen = panTime(s.end);
  const outbound = s.natSrc !== undefined;
  const cols: (string | number)[] = [
    1, gen, FIREWALL_SERIAL, "TRAFFIC", s.subtype, 2049, gen, s.src, s.dest,
    outbound ? s.natSrc! : "0.0.0.0", outbound ? s.dest : "0.0.0.0",
    s.rule, s.user ?? "", "", s.app, "vsys1", s.fromZone, s.toZone,
    s.fromZone === "trust" ? "ethernet1/2" : "ethernet1/1", s.toZone === "untrust" ? "ethernet1/1" : "ethernet1/2",
    "forward-to-splunk", gen, s.sessionId, 1, s.srcPort, s.destPort,
    outbound ? (s.natSrcPort ?? 0) : 0, outbound ? s.destPort : 0,
    s.action === "allow" ? "0x400053" : "0x0", s.proto, s.action,
    s.bytesSent + s.bytesReceived, s.bytesSent, s.bytesReceived, s.pktsSent + s.pktsReceived,
    panTime(s.start), Math.max(0, Math.round((s.end - s.start) / 1000)), s.category, 0, s.seqNo, "0x0",
    s.srcLocation, s.destLocation, 0, s.pktsSent, s.pktsReceived, s.endReason,
    0, 0, 0, 0, "", FIREWALL_NAME, "from-policy", "", "", 0, "", 0, "", "N/A", 0, 0, 0, 0,
  ];
  return `${syslogTime(s.end)} ${FIREWALL_NAME} ${cols.join(",")}`;
}
