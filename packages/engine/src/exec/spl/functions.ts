import type { Expr } from "../../lang/plan.ts";
import { parseSearch } from "../../lang/spl/search.ts";
import { inlineFlags, toJsRegex } from "../../lang/spl/regex.ts";
import { resolveTimeModifier, strftime, strptime } from "../../lang/spl/time.ts";
import type { Scalar } from "../../store/types.ts";
import { evalExpr, first, isNullValue, toNumber, truth } from "../expr.ts";
import { registerFunction, type GetField, type Value } from "../functions/registry.ts";
import { md5, sha1, sha256 } from "./hashes.ts";
import { splRuntime } from "./runtime.ts";

/*
 * SPL eval functions, registered as `spl.<name>` in the executor's function registry. They
 * follow Splunk: null in → null out, bad input → null (never an exception), multivalue fields
 * are arrays, text that looks like a number compares and computes as a number.
 */

const reCache = new Map<string, RegExp | null>();

/** A compiled PCRE-ish pattern (null when invalid), cached. */
export function splRegex(pattern: string, extraFlags = ""): RegExp | null {
  const key = extraFlags + "\u0000" + pattern;
  if (reCache.has(key)) return reCache.get(key)!;
  let re: RegExp | null;
  try {
    re = new RegExp(toJsRegex(pattern), inlineFlags(pattern) + extraFlags);
  } catch {
    re = null;
  }
  if (reCache.size > 5000) reCache.clear();
  reCache.set(key, re);
  return re;
}

const str = (v: Value): string | null => {
  const s = first(v);
  return s === null ? null : typeof s === "number" ? formatNumber(s) : String(s);
};
const num = (v: Value): number | null => toNumber(first(v));
const mv = (v: Value): Scalar[] => (v === null ? [] : Array.isArray(v) ? v : [v]);
const fromList = (xs: Scalar[]): Value => (xs.length === 0 ? null : xs.length === 1 ? xs[0]! : xs);

/** Splunk's number rendering: integers without a decimal point, others as shortest round-trip text. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

function reg(name: string, min: number, max: number, impl: (args: Value[], get: GetField) => Value): void {
  registerFunction(`spl.${name}`, (args, ctx) => impl(args, ctx.getField), min, max);
}

reg("concat", 2, 2, ([a, b]) => {
  const x = str(a!);
  const y = str(b!);
  return x === null || y === null ? null : x + y;
});
reg("add", 2, 2, ([a, b]) => {
  const x = num(a!);
  const y = num(b!);
  if (x !== null && y !== null) return x + y;
  const s = first(a!);
  const t = first(b!);
  return typeof s === "string" && typeof t === "string" ? s + t : null;
});
reg("if", 3, 3, ([c, a, b]) => (truth(c!) === true ? a! : b!));
reg("case", 2, 200, (args) => {
  for (let i = 0; i + 1 < args.length; i += 2) if (truth(args[i]!) === true) return args[i + 1]!;
  return null;
});
reg("validate", 2, 200, (args) => {
  for (let i = 0; i + 1 < args.length; i += 2) if (truth(args[i]!) !== true) return args[i + 1]!;
  return null;
});
reg("coalesce", 1, 100, (args) => args.find((a) => !isNullValue(a) && a !== "") ?? null);
reg("isnull", 1, 1, ([a]) => isNullValue(a!));
reg("isnotnull", 1, 1, ([a]) => !isNullValue(a!));
reg("isnum", 1, 1, ([a]) => typeof first(a!) === "number" || num(a!) !== null);
reg("isstr", 1, 1, ([a]) => typeof first(a!) === "string" && num(a!) === null);
reg("null", 0, 0, () => null);
reg("true", 0, 0, () => true);
reg("false", 0, 0, () => false);
reg("typeof", 1, 1, ([a]) => {
  const v = first(a!);
  if (v === null) return "Invalid";
  if (typeof v === "boolean") return "Boolean";
  if (typeof v === "number" || num(v) !== null) return "Number";
  return "String";
});
reg("exact", 1, 1, ([a]) => a!);
reg("len", 1, 1, ([a]) => {
  const s = str(a!);
  return s === null ? null : [...s].length;
});
reg("lower", 1, 1, ([a]) => mapStr(a!, (s) => s.toLowerCase()));
reg("upper", 1, 1, ([a]) => mapStr(a!, (s) => s.toUpperCase()));
reg("substr", 2, 3, ([a, s, l]) => {
  const text = str(a!);
  const start = num(s!);
  if (text === null || start === null) return null;
  const chars = [...text];
  let from = start > 0 ? start - 1 : start < 0 ? chars.length + start : 0;
  from = Math.max(0, from);
  const len = l === undefined ? chars.length : num(l);
  if (len === null || len < 0) return null;
  return chars.slice(from, from + len).join("");
});
reg("replace", 3, 3, ([a, p, r]) => {
  const pattern = str(p!);
  const repl = str(r!);
  if (pattern === null || repl === null) return null;
  const re = splRegex(pattern, "g");
  if (!re) return null;
  // Splunk writes back-references as \1; JavaScript wants $1 (and literal $ escaped).
  const js = repl.replace(/\$/g, "$$$$").replace(/\\(\d)/g, "$$$1");
  return mapStr(a!, (s) => s.replace(re, js));
});
reg("split", 2, 2, ([a, d]) => {
  const s = str(a!);
  const delim = str(d!);
  if (s === null || delim === null) return null;
  return fromList(delim === "" ? [...s] : s.split(delim));
});
reg("mvindex", 2, 3, ([a, s, e]) => {
  const xs = mv(a!);
  let start = num(s!);
  if (start === null || xs.length === 0) return null;
  if (start < 0) start += xs.length;
  let end = e === undefined ? start : num(e);
  if (end === null) return null;
  if (end < 0) end += xs.length;
  if (start < 0 || start >= xs.length || end < start) return null;
  return fromList(xs.slice(start, Math.min(end, xs.length - 1) + 1));
});
reg("mvcount", 1, 1, ([a]) => (isNullValue(a!) ? null : mv(a!).length));
reg("mvjoin", 2, 2, ([a, d]) => {
  const delim = str(d!);
  if (isNullValue(a!) || delim === null) return null;
  return mv(a!).map((x) => str(x)).join(delim);
});
reg("mvappend", 1, 100, (args) => fromList(args.flatMap((a) => mv(a))));
reg("mvdedup", 1, 1, ([a]) => fromList([...new Set(mv(a!))]));
reg("mvsort", 1, 1, ([a]) => fromList(mv(a!).map((x) => str(x)!).sort()));
reg("mvfind", 2, 2, ([a, p]) => {
  const pattern = str(p!);
  const re = pattern === null ? null : splRegex(pattern);
  if (!re) return null;
  const i = mv(a!).findIndex((x) => re.test(str(x) ?? ""));
  return i < 0 ? null : i;
});
reg("mvzip", 2, 3, ([a, b, d]) => {
  const xs = mv(a!);
  const ys = mv(b!);
  const delim = d === undefined ? "," : (str(d) ?? ",");
  const n = Math.min(xs.length, ys.length);
  return fromList(Array.from({ length: n }, (_, i) => `${str(xs[i]!)}${delim}${str(ys[i]!)}`));
});
// mvfilter's predicate arrives as JSON of a plan expression (see lowering) plus the field it filters.
reg("mvfilter", 2, 2, ([, predicate], get) => {
  const src = str(predicate!);
  if (src === null) return null;
  const { expr, name } = JSON.parse(src) as { expr: Expr; name: string };
  const kept = mv(get(name)).filter((v) => truth(evalExpr(expr, (n) => (n === name ? v : get(n)))) === true);
  return fromList(kept);
});
reg("round", 1, 2, ([a, d]) => {
  const x = num(a!);
  const digits = d === undefined ? 0 : num(d);
  if (x === null || digits === null) return null;
  const f = 10 ** digits;
  return Math.round((x + Math.sign(x) * Number.EPSILON) * f) / f;
});
reg("floor", 1, 1, ([a]) => math(a!, Math.floor));
reg("ceil", 1, 1, ([a]) => math(a!, Math.ceil));
reg("ceiling", 1, 1, ([a]) => math(a!, Math.ceil));
reg("abs", 1, 1, ([a]) => math(a!, Math.abs));
reg("sqrt", 1, 1, ([a]) => math(a!, Math.sqrt));
reg("ln", 1, 1, ([a]) => math(a!, Math.log));
reg("exp", 1, 1, ([a]) => math(a!, Math.exp));
reg("log", 1, 2, ([a, b]) => {
  const x = num(a!);
  const base = b === undefined ? 10 : num(b);
  return x === null || base === null ? null : Math.log(x) / Math.log(base);
});
reg("pow", 2, 2, ([a, b]) => {
  const x = num(a!);
  const y = num(b!);
  return x === null || y === null ? null : x ** y;
});
reg("min", 1, 100, (args) => extreme(args, -1));
reg("max", 1, 100, (args) => extreme(args, 1));
reg("random", 0, 0, () => Math.floor(Math.random() * 2 ** 31));
reg("tonumber", 1, 2, ([a, b]) => {
  const s = str(a!);
  if (s === null) return null;
  const base = b === undefined ? 10 : num(b);
  if (base === null) return null;
  if (base === 10) return num(s);
  const n = parseInt(s.trim().replace(/^0x/i, ""), base);
  return Number.isNaN(n) ? null : n;
});
reg("tostring", 1, 2, ([a, f]) => {
  const v = first(a!);
  if (v === null) return null;
  const format = f === undefined ? null : str(f);
  if (typeof v === "boolean") return v ? "True" : "False";
  const n = num(v);
  if (format === "hex" && n !== null) return "0x" + Math.trunc(n).toString(16).toUpperCase();
  if (format === "commas" && n !== null) return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
  if (format === "duration" && n !== null) {
    const s = Math.trunc(n);
    const d = Math.floor(s / 86400);
    const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((x) => String(x).padStart(2, "0")).join(":");
    return d > 0 ? `${d}+${hms}` : hms;
  }
  return typeof v === "number" ? formatNumber(v) : v;
});
reg("strftime", 2, 2, ([t, f]) => {
  const secs = num(t!);
  const format = str(f!);
  if (secs === null || format === null) return null;
  return strftime(secs * 1000, format, splRuntime.tz);
});
reg("strptime", 2, 2, ([s, f]) => {
  const text = str(s!);
  const format = str(f!);
  if (text === null || format === null) return null;
  const ms = strptime(text, format, splRuntime.tz);
  return ms === null ? null : ms / 1000;
});
reg("relative_time", 2, 2, ([t, m]) => {
  const secs = num(t!);
  const mod = str(m!);
  if (secs === null || mod === null) return null;
  const ms = resolveTimeModifier(mod, secs * 1000, splRuntime.tz);
  return ms === null ? null : ms / 1000;
});
reg("now", 0, 0, () => Math.floor(splRuntime.nowMs / 1000));
reg("time", 0, 0, () => Date.now() / 1000);
reg("searchmatch", 1, 1, ([q], get) => {
  const text = str(q!);
  if (text === null) return null;
  const expr = searchCache.get(text) ?? parseSearch(text, 0, text.length, { nowMs: splRuntime.nowMs, tz: splRuntime.tz }).where;
  searchCache.set(text, expr);
  return truth(evalExpr(expr, get)) === true;
});
const searchCache = new Map<string, Expr>();
reg("match", 2, 2, ([a, p]) => {
  const pattern = str(p!);
  const re = pattern === null ? null : splRegex(pattern);
  if (!re || isNullValue(a!)) return null;
  return mv(a!).some((x) => re.test(str(x) ?? ""));
});
reg("like", 2, 2, ([a, p]) => {
  const pattern = str(p!);
  if (pattern === null || isNullValue(a!)) return null;
  const re = likeRegex(pattern);
  return mv(a!).some((x) => re.test(str(x) ?? ""));
});
reg("cidrmatch", 2, 2, ([c, ip]) => {
  const cidr = str(c!);
  if (cidr === null || isNullValue(ip!)) return null;
  return mv(ip!).some((x) => cidrContains(cidr, str(x) ?? ""));
});
reg("urldecode", 1, 1, ([a]) =>
  mapStr(a!, (s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s.replace(/\+/g, " ").replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  }),
);
reg("md5", 1, 1, ([a]) => mapStr(a!, md5));
reg("sha1", 1, 1, ([a]) => mapStr(a!, sha1));
reg("sha256", 1, 1, ([a]) => mapStr(a!, sha256));
reg("trim", 1, 2, ([a, c]) => trim(a!, c, true, true));
reg("ltrim", 1, 2, ([a, c]) => trim(a!, c, true, false));
reg("rtrim", 1, 2, ([a, c]) => trim(a!, c, false, true));
reg("base64decode", 1, 2, ([a, enc]) => {
  const encoding = enc === undefined ? null : (str(enc) ?? "").toLowerCase();
  return mapStr(a!, (s) => base64Decode(s, encoding) ?? s);
});
reg("base64encode", 1, 2, ([a, enc]) => {
  const encoding = enc === undefined ? "utf-8" : (str(enc) ?? "").toLowerCase();
  return mapStr(a!, (s) => base64Encode(s, encoding));
});
reg("printf", 1, 100, ([f, ...rest]) => {
  const format = str(f!);
  if (format === null) return null;
  let i = 0;
  return format.replace(/%(-?\d*)(?:\.(\d+))?([sdfxX%])/g, (_, w: string, p: string | undefined, t: string) => {
    if (t === "%") return "%";
    const v = rest[i++] ?? null;
    let out: string;
    const n = num(v);
    if (t === "d") out = n === null ? "" : String(Math.trunc(n));
    else if (t === "f") out = n === null ? "" : n.toFixed(p === undefined ? 6 : Number(p));
    else if (t === "x" || t === "X") out = n === null ? "" : Math.trunc(n).toString(16)[t === "X" ? "toUpperCase" : "toLowerCase"]();
    else out = str(v) ?? "";
    const width = Math.abs(Number(w || 0));
    return w.startsWith("-") ? out.padEnd(width) : out.padStart(width);
  });
});
reg("spath", 2, 2, ([j, p]) => jsonPath(str(j!), str(p!)));
reg("json_extract", 2, 2, ([j, p]) => jsonPath(str(j!), str(p!)));

function mapStr(v: Value, f: (s: string) => string): Value {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : f(str(x)!)));
  return f(str(v)!);
}

function math(v: Value, f: (x: number) => number): Value {
  const x = num(v);
  if (x === null) return null;
  const r = f(x);
  return Number.isFinite(r) ? r : null;
}

function extreme(args: Value[], dir: 1 | -1): Value {
  const all = args.flatMap((a) => mv(a)).filter((x) => x !== null);
  if (all.length === 0) return null;
  const nums = all.map((x) => num(x));
  if (nums.every((n) => n !== null)) return dir > 0 ? Math.max(...(nums as number[])) : Math.min(...(nums as number[]));
  // Mixed: numbers sort before text in Splunk's min/max.
  const texts = all.map((x) => str(x)!).sort();
  return dir > 0 ? texts[texts.length - 1]! : texts[0]!;
}

function trim(v: Value, chars: Value | undefined, left: boolean, right: boolean): Value {
  const set = chars === undefined ? " \t\n\r" : (str(chars) ?? "");
  return mapStr(v, (s) => {
    let a = 0;
    let b = s.length;
    if (left) while (a < b && set.includes(s[a]!)) a++;
    if (right) while (b > a && set.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  });
}

/** SQL LIKE: `%` any run, `_` one character; case-sensitive as in Splunk. */
function likeRegex(pattern: string): RegExp {
  let src = "";
  for (const c of pattern) src += c === "%" ? "[\\s\\S]*" : c === "_" ? "[\\s\\S]" : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`^${src}$`, "s");
}

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Whether an IPv4 address is inside a CIDR block (bad input → false). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.trim().split("/");
  const b = ipv4(base ?? "");
  const a = ipv4(ip);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === null || b === null || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/**
 * Decodes base64 (standard or URL alphabet, padding optional) to text. `utf-16le` reads the
 * bytes as UTF-16 little-endian, which is how `powershell -enc` payloads are encoded; with no
 * encoding given, UTF-16LE is chosen when every second byte is 0, else UTF-8.
 */
export function base64Decode(text: string, encoding: string | null): string | null {
  const clean = text.trim().replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let bits = 0;
  let acc = 0;
  let k = 0;
  for (const c of clean) {
    acc = (acc << 6) | alphabet.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[k++] = (acc >> bits) & 0xff;
    }
  }
  const out = bytes.subarray(0, k);
  let enc = encoding;
  if (enc === null || enc === "" || enc === "auto") {
    let zeros = 0;
    for (let i = 1; i < out.length; i += 2) if (out[i] === 0) zeros++;
    enc = out.length >= 2 && zeros >= Math.floor(out.length / 2) * 0.9 ? "utf-16le" : "utf-8";
  }
  const label = enc === "utf16le" || enc === "utf-16" || enc === "unicode" ? "utf-16le" : enc;
  try {
    return new TextDecoder(label).decode(out);
  } catch {
    return null;
  }
}

function base64Encode(text: string, encoding: string): string {
  let bytes: Uint8Array;
  if (encoding.replace("-", "") === "utf16le") {
    bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      bytes[2 * i] = c & 0xff;
      bytes[2 * i + 1] = c >> 8;
    }
  } else bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Reads `a.b{}.c` / `a.b{0}` from JSON text; arrays give multivalues. */
export function jsonPath(json: string | null, path: string | null): Value {
  if (json === null || path === null) return null;
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return null;
  }
  let current: unknown[] = [data];
  for (const part of path.split(".")) {
    const m = /^([^{}]*)(?:\{(\d*)\})?$/.exec(part);
    if (!m) return null;
    const next: unknown[] = [];
    for (const c of current) {
      const v = m[1] === "" ? c : c !== null && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, unknown>)[m[1]!] : undefined;
      if (v === undefined) continue;
      if (m[2] !== undefined) {
        if (!Array.isArray(v)) continue;
        if (m[2] === "") next.push(...v);
        else if (v[Number(m[2])] !== undefined) next.push(v[Number(m[2])]);
      } else next.push(v);
    }
    current = next;
  }
  const out = current.flatMap((v) => (Array.isArray(v) ? v : [v])).map((v): Scalar => (v === null ? null : typeof v === "object" ? JSON.stringify(v) : (v as Scalar)));
  return fromList(out.filter((v) => v !== null));
}
