import { clfTime } from "../time.ts";

/** One Apache request in NCSA combined format. */
export interface AccessRequest {
  t: number;
  clientIp: string;
  method: string;
  uri: string;
  status: number;
  bytes: number;
  referer: string;
  userAgent: string;
}

/** `ip - - [time] "METHOD uri HTTP/1.1" status bytes "referer" "ua"`; quotes inside fields are escaped as Apache does. */
export function accessLine(r: AccessRequest): string {
  const q = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return `${r.clientIp} - - [${clfTime(r.t)}] "${r.method} ${q(r.uri)} HTTP/1.1" ${r.status} ${r.bytes === 0 ? "-" : r.bytes} "${q(r.referer || "-")}" "${q(r.userAgent)}"`;
}
