import type { EntityKind } from "@quarry/engine";

const IP = /(^|[._])(ip|src|dest|dst|srcip|destip|clientip|c_ip|address|sourceip|destinationip|id\.orig_h|id\.resp_h)$/i;
const HOST = /^(host|host\.name|hostname|dest_host|nt_host)$/i;
const USER = /(^|[._])(user|user\.name|username|account_name|subjectusername|targetusername|src_user)$/i;
const PROCESS = /^(process\.name|process_name|image|process|app|parentimage|process\.executable|parent_process_name|process\.parent\.name)$/i;

/** The entity kind a field's values are (for "click to pivot"), or null when it is none of them. */
export function entityKindOfField(field: string): EntityKind | null {
  if (HOST.test(field)) return "host";
  if (USER.test(field)) return "user";
  if (PROCESS.test(field)) return "process";
  if (IP.test(field)) return "ip";
  return null;
}

/** The kind a bare value looks like: an IPv4/IPv6 address is an IP, anything else null. */
export function looksLikeIp(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || (/^[0-9a-f:]+$/i.test(value) && value.includes(":") && value.length > 2);
}

/** The basename of a Windows or POSIX path. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  return cut >= 0 ? path.slice(cut + 1) : path;
}
