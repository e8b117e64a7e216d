/** The raw files the generator writes: one per sourcetype, named as each source would name it. */

export type FileId =
  | "sysmon"
  | "security"
  | "stream_http"
  | "stream_dns"
  | "stream_tcp"
  | "stream_ip"
  | "stream_ftp"
  | "stream_smtp"
  | "suricata"
  | "pan_traffic"
  | "access_combined"
  | "bro_conn"
  | "bro_dns";

export interface FileSpec {
  id: FileId;
  /** File name inside the output directory. */
  name: string;
  /** The sourcetype Splunk gave these events in BOTSv2 (what the engine should detect). */
  sourcetype: string;
}

export const FILES: readonly FileSpec[] = [
  { id: "sysmon", name: "xmlwineventlog-sysmon.log", sourcetype: "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" },
  { id: "security", name: "xmlwineventlog-security.log", sourcetype: "XmlWinEventLog:Security" },
  { id: "stream_http", name: "stream-http.json", sourcetype: "stream:http" },
  { id: "stream_dns", name: "stream-dns.json", sourcetype: "stream:dns" },
  { id: "stream_tcp", name: "stream-tcp.json", sourcetype: "stream:tcp" },
  { id: "stream_ip", name: "stream-ip.json", sourcetype: "stream:ip" },
  { id: "stream_ftp", name: "stream-ftp.json", sourcetype: "stream:ftp" },
  { id: "stream_smtp", name: "stream-smtp.json", sourcetype: "stream:smtp" },
  { id: "suricata", name: "suricata-eve.json", sourcetype: "suricata" },
  { id: "pan_traffic", name: "pan-traffic.log", sourcetype: "pan:traffic" },
  { id: "access_combined", name: "access_combined.log", sourcetype: "access_combined" },
  { id: "bro_conn", name: "conn.log", sourcetype: "bro:conn" },
  { id: "bro_dns", name: "dns.log", sourcetype: "bro:dns" },
];

export const FILE_INDEX: Record<FileId, number> = Object.fromEntries(FILES.map((f, i) => [f.id, i])) as Record<FileId, number>;
