import { bytesToText, decodeBase64, decodeHex, decodeUrl, inflate, looksCompressed, printableRatio } from "./codecs.ts";
import { findEncodedPowerShell } from "./powershell.ts";

/** One way of reading a piece of text, with the steps that produced it. */
export interface Decoding {
  /** e.g. ["base64", "gunzip", "utf-8"]. */
  steps: string[];
  text: string;
  /** Share of printable characters in the result, 0..1: how believable it is. */
  printable: number;
  truncated: boolean;
}

/** The decoders offered one by one in the decode panel. */
export type DecodeMethod = "auto" | "powershell" | "base64" | "base64-utf16le" | "base64-gzip" | "hex" | "url";

/** Longest input considered (longer text is cut, so a pasted log file cannot stall the tab). */
export const MAX_DECODE_INPUT = 2 * 1024 * 1024;
const MIN_PRINTABLE = 0.85;
const MAX_DEPTH = 3;

/** Decodes text with one method; null when the text is not in that encoding. */
export function decodeAs(method: DecodeMethod, input: string): Decoding | null {
  const text = input.length > MAX_DECODE_INPUT ? input.slice(0, MAX_DECODE_INPUT) : input;
  switch (method) {
    case "auto":
      return autoDecode(text)[0] ?? null;
    case "powershell": {
      const found = findEncodedPowerShell(text);
      if (found.length === 0) return null;
      const out = found.map((f) => f.decoded).join("\n");
      return { steps: ["powershell -enc", "base64", "utf-16le"], text: out, printable: printableRatio(out), truncated: false };
    }
    case "base64":
    case "base64-utf16le": {
      const bytes = decodeBase64(text.trim());
      if (!bytes) return null;
      const t = method === "base64" ? bytesToText(bytes) : { text: new TextDecoder("utf-16le").decode(bytes), encoding: "utf-16le" as const };
      return { steps: ["base64", t.encoding], text: t.text, printable: printableRatio(t.text), truncated: false };
    }
    case "base64-gzip": {
      const bytes = decodeBase64(text.trim());
      const inflated = bytes ? inflate(bytes, true) : null;
      if (!inflated) return null;
      const t = bytesToText(inflated.bytes);
      const step = looksCompressed(bytes!) === "gzip" ? "gunzip" : looksCompressed(bytes!) === "zlib" ? "zlib inflate" : "raw inflate";
      return { steps: ["base64", step, t.encoding], text: t.text, printable: printableRatio(t.text), truncated: inflated.truncated };
    }
    case "hex": {
      const bytes = decodeHex(text.trim());
      if (!bytes) return null;
      const t = bytesToText(bytes);
      return { steps: ["hex", t.encoding], text: t.text, printable: printableRatio(t.text), truncated: false };
    }
    case "url": {
      if (!/%[0-9a-fA-F]{2}|\+/.test(text)) return null;
      const out = decodeUrl(text);
      return { steps: ["url"], text: out, printable: printableRatio(out), truncated: false };
    }
  }
}

/**
 * Every readable decoding of a text, best first: PowerShell `-enc` payloads, base64 (UTF-8 or
 * UTF-16LE, gzip/zlib/deflate inside), hex and URL encoding; results that are themselves base64
 * or hold `FromBase64String('…')` are decoded again, a few levels deep.
 */
export function autoDecode(input: string): Decoding[] {
  const text = input.length > MAX_DECODE_INPUT ? input.slice(0, MAX_DECODE_INPUT) : input;
  const out: Decoding[] = [];
  const seen = new Set<string>();
  const add = (d: Decoding, depth: number) => {
    if (d.printable < MIN_PRINTABLE || d.text.length === 0 || d.text === text || seen.has(d.text)) return;
    seen.add(d.text);
    out.push(d);
    if (depth < MAX_DEPTH) for (const inner of nested(d.text)) add({ ...inner, steps: [...d.steps, ...inner.steps] }, depth + 1);
  };
  for (const d of oneLevel(text)) add(d, 1);
  out.sort((a, b) => b.printable - a.printable || b.steps.length - a.steps.length);
  return out;
}

/** Decodings of the whole text (or its PowerShell payload). */
function oneLevel(text: string): Decoding[] {
  const out: Decoding[] = [];
  const ps = decodeAs("powershell", text);
  if (ps) out.push(ps);
  const trimmed = text.trim().replace(/^["']|["']$/g, "");
  if (/^[A-Za-z0-9+/=_\-\s]{8,}$/.test(trimmed)) {
    const bytes = decodeBase64(trimmed);
    if (bytes) {
      const inflated = inflate(bytes, looksCompressed(bytes) === null && printableRatio(bytesToText(bytes).text) < MIN_PRINTABLE);
      if (inflated) {
        const t = bytesToText(inflated.bytes);
        const kind = looksCompressed(bytes);
        out.push({ steps: ["base64", kind === "gzip" ? "gunzip" : kind === "zlib" ? "zlib inflate" : "raw inflate", t.encoding], text: t.text, printable: printableRatio(t.text), truncated: inflated.truncated });
      } else {
        const t = bytesToText(bytes);
        out.push({ steps: ["base64", t.encoding], text: t.text, printable: printableRatio(t.text), truncated: false });
      }
    }
  }
  const hex = decodeAs("hex", trimmed);
  if (hex && trimmed.length >= 4) out.push(hex);
  const url = decodeAs("url", text);
  if (url && /%[0-9a-fA-F]{2}/.test(text)) out.push(url);
  return out;
}

/** Decodings of payloads inside an already decoded text. */
function nested(text: string): Decoding[] {
  const out = oneLevel(text);
  const re = /FromBase64String\(\s*["']([A-Za-z0-9+/=]{8,})["']\s*\)/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (const d of oneLevel(m[1])) out.push({ ...d, steps: ["FromBase64String", ...d.steps.slice(1)] });
  }
  return out;
}
