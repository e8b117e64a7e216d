import { gunzipSync, inflateSync, unzlibSync } from "fflate";

/**
 * Byte/text codecs an analyst reaches for in CyberChef, as total functions: bad input gives
 * null, never an exception, and outputs are bounded so a decompression bomb cannot eat the tab.
 */

/** Largest decompressed output kept; longer output is cut and flagged. */
export const MAX_INFLATED = 4 * 1024 * 1024;

const B64 = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
B64["-".charCodeAt(0)] = 62; // base64url
B64["_".charCodeAt(0)] = 63;

/** Decodes base64 (standard or URL-safe, padding optional, whitespace ignored); null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  let clean = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    clean += text[i];
  }
  clean = clean.replace(/=+$/, "");
  if (clean.length === 0 || clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64[c] : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** Encodes bytes as standard base64 (used by tests and to re-encode after edits). */
export function encodeBase64(bytes: Uint8Array): string {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63];
    out += i + 1 < bytes.length ? abc[(n >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? abc[n & 63] : "=";
  }
  return out;
}

/** Decodes hex: "4d5a", "4d 5a", "0x4d0x5a", "\\x4d\\x5a", "4d:5a"; null when it is not hex. */
export function decodeHex(text: string): Uint8Array | null {
  const clean = text.replace(/\\x|0x/gi, "").replace(/[\s:,-]+/g, "");
  if (clean.length === 0 || clean.length % 2 === 1 || !/^[0-9a-fA-F]+$/.test(clean)) return null;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Percent-decoding (and `+` as space); malformed escapes are kept as written instead of failing. */
export function decodeUrl(text: string): string {
  const bytes: number[] = [];
  let out = "";
  const flush = () => {
    if (bytes.length) {
      out += new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(bytes));
      bytes.length = 0;
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    out += c === "+" ? " " : c;
  }
  flush();
  return out;
}

/** UTF-16LE bytes → text (a trailing odd byte is dropped, a BOM is skipped). */
export function utf16le(bytes: Uint8Array): string {
  const start = bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe ? 2 : 0;
  return new TextDecoder("utf-16le", { fatal: false }).decode(bytes.subarray(start, start + ((bytes.length - start) & ~1)));
}

/** UTF-8 bytes → text, invalid sequences replaced by U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/** Whether bytes look like UTF-16LE text (a BOM, or mostly zero high bytes as ASCII in UTF-16 has). */
export function looksUtf16le(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return true;
  if (bytes.length < 4) return false;
  let zeros = 0;
  const pairs = bytes.length >> 1;
  for (let i = 1; i < bytes.length; i += 2) if (bytes[i] === 0) zeros++;
  return zeros / pairs >= 0.6;
}

/** Bytes → text, choosing UTF-16LE or UTF-8 by their shape. */
export function bytesToText(bytes: Uint8Array): { text: string; encoding: "utf-16le" | "utf-8" } {
  return looksUtf16le(bytes) ? { text: utf16le(bytes), encoding: "utf-16le" } : { text: utf8(bytes), encoding: "utf-8" };
}

/** Whether bytes start like gzip or zlib data. */
export function looksCompressed(bytes: Uint8Array): "gzip" | "zlib" | null {
  if (bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8) return "gzip";
  if (bytes.length >= 2 && (bytes[0] & 15) === 8 && bytes[0] >> 4 <= 7 && ((bytes[0] << 8) | bytes[1]) % 31 === 0) return "zlib";
  return null;
}

/** Inflates gzip, zlib or (with `raw`) raw DEFLATE data; null when it is not valid. Output is capped at MAX_INFLATED. */
export function inflate(bytes: Uint8Array, raw = false): { bytes: Uint8Array; truncated: boolean } | null {
  const kind = looksCompressed(bytes);
  if (!kind && !raw) return null;
  // Most payloads are small: try a buffer sized to the input first, the full cap only when it fills.
  for (const size of [Math.min(MAX_INFLATED, Math.max(64 * 1024, bytes.length * 16)), MAX_INFLATED]) {
    const out = new Uint8Array(size);
    let r: Uint8Array;
    try {
      r = kind === "gzip" ? gunzipSync(bytes, { out }) : kind === "zlib" ? unzlibSync(bytes, { out }) : inflateSync(bytes, { out });
    } catch {
      return null;
    }
    // A result the size of the buffer means the stream went on past it.
    if (r.length < size) return { bytes: r.slice(), truncated: false };
    if (size === MAX_INFLATED) return { bytes: r, truncated: true };
  }
  return null;
}

/** Share of characters that are printable (letters, digits, punctuation, whitespace), 0..1. */
export function printableRatio(text: string): number {
  if (text.length === 0) return 0;
  let good = 0;
  const n = Math.min(text.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || (c >= 0xa0 && c !== 0xfffd && !(c >= 0xd800 && c < 0xe000))) good++;
  }
  return good / n;
}

/** Share of characters that are printable ASCII or whitespace, 0..1: bytes misread as UTF-16LE score low. */
export function asciiRatio(text: string): number {
  if (text.length === 0) return 0;
  let good = 0;
  const n = Math.min(text.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127)) good++;
  }
  return good / n;
}
