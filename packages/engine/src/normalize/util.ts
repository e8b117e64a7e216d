import type { FieldValue } from "../store/types.ts";

/** The last path component of a Windows or POSIX path (`C:\Windows\cmd.exe` → `cmd.exe`). */
export function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  return cut < 0 ? path : path.slice(cut + 1);
}

/** The field's text when it is a non-empty string, else null. */
export function text(v: FieldValue | undefined): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

/** Decimal or `0x` hex text (Windows ids) → number; null when it is neither. */
export function toNumber(v: FieldValue | undefined): number | null {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v.length === 0) return null;
  if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v.slice(2), 16);
  if (/^\d+$/.test(v)) return Number(v);
  return null;
}

/** `DOMAIN\user` → { domain, name }; a bare name has no domain. */
export function splitUser(user: string): { domain: string | null; name: string } {
  const cut = user.indexOf("\\");
  return cut < 0 ? { domain: null, name: user } : { domain: user.slice(0, cut), name: user.slice(cut + 1) };
}
