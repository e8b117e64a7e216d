/**
 * The EQL functions, as Elasticsearch defines them: null in → null out; the `~` form (the call's
 * `caseInsensitive` flag) folds case for the string tests. Predicate functions (startsWith,
 * endsWith, stringContains, cidrMatch) hold when any value of a multi-value field satisfies them,
 * as the Elasticsearch queries they translate to do; the others use the first value.
 */
import { parseNumber } from "../../store/dict.ts";
import type { Scalar } from "../../store/types.ts";
import { rejectNestedQuantifiers, wildcardRegExp } from "../patterns.ts";
import { registerFunction, type CallContext, type Value } from "./registry.ts";

function first(v: Value | undefined): Scalar {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function str(v: Value | undefined): string | null {
  const s = first(v);
  if (s === null) return null;
  return typeof s === "number" ? numberText(s) : String(s);
}

/** Number → text as Elasticsearch prints it (integers without a fraction). */
function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}

function num(v: Value | undefined): number | null {
  const s = first(v);
  if (typeof s === "number") return Number.isNaN(s) ? null : s;
  if (typeof s === "string") {
    const n = parseNumber(s.trim());
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

function values(v: Value | undefined): string[] | null {
  if (v === undefined || v === null) return null;
  const list = Array.isArray(v) ? v : [v];
  const out = list.filter((x) => x !== null).map((x) => (typeof x === "number" ? numberText(x) : String(x)));
  return out.length ? out : null;
}

function fold(s: string, ci: boolean): string {
  return ci ? s.toLowerCase() : s;
}

function arithmetic(f: (a: number, b: number, float: boolean) => number | null) {
  return (args: Value[], ctx: CallContext): Value => {
    const a = num(args[0]);
    const b = num(args[1]);
    if (a === null || b === null) return null;
    const r = f(a, b, ctx.float === true);
    return r === null || !Number.isFinite(r) ? null : r;
  };
}

registerFunction("add", arithmetic((a, b) => a + b), 2, 2);
registerFunction("subtract", arithmetic((a, b) => a - b), 2, 2);
registerFunction("multiply", arithmetic((a, b) => a * b), 2, 2);
// Java semantics: integer operands divide to an integer.
registerFunction("divide", arithmetic((a, b, float) => (b === 0 ? null : !float && Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b)), 2, 2);
registerFunction("modulo", arithmetic((a, b) => (b === 0 ? null : a % b)), 2, 2);

registerFunction(
  "between",
  (args, ctx) => {
    const source = str(args[0]);
    const left = str(args[1]);
    const right = str(args[2]);
    if (source === null || left === null || right === null) return null;
    const greedy = first(args[3]) === true;
    const ci = ctx.caseInsensitive || first(args[4]) === true;
    const s = fold(source, ci);
    const l = fold(left, ci);
    const r = fold(right, ci);
    // Not found: Elasticsearch answers "", Python EQL null.
    const none = ctx.python ? null : "";
    const i = s.indexOf(l);
    if (i < 0) return none;
    const from = i + l.length;
    const j = greedy ? s.lastIndexOf(r) : s.indexOf(r, from);
    if (j < from) return none;
    return source.slice(from, j);
  },
  3,
  5,
);

registerFunction(
  "cidrMatch",
  (args) => {
    const ips = values(args[0]);
    if (ips === null) return null;
    const nets = args.slice(1).flatMap((a) => values(a) ?? []);
    return ips.some((ip) => nets.some((n) => inCidr(ip, n)));
  },
  2,
);

registerFunction(
  "concat",
  (args) => {
    let out = "";
    for (const a of args) {
      const s = str(a);
      if (s === null) return null;
      out += s;
    }
    return out;
  },
  1,
);

registerFunction(
  "endsWith",
  (args, ctx) => {
    const sub = str(args[1]);
    const vs = values(args[0]);
    if (vs === null || sub === null) return null;
    return vs.some((s) => fold(s, ctx.caseInsensitive).endsWith(fold(sub, ctx.caseInsensitive)));
  },
  2,
  2,
);

registerFunction(
  "startsWith",
  (args, ctx) => {
    const sub = str(args[1]);
    const vs = values(args[0]);
    if (vs === null || sub === null) return null;
    return vs.some((s) => fold(s, ctx.caseInsensitive).startsWith(fold(sub, ctx.caseInsensitive)));
  },
  2,
  2,
);

registerFunction(
  "stringContains",
  (args, ctx) => {
    const sub = str(args[1]);
    const vs = values(args[0]);
    if (vs === null || sub === null) return null;
    return vs.some((s) => fold(s, ctx.caseInsensitive).includes(fold(sub, ctx.caseInsensitive)));
  },
  2,
  2,
);

registerFunction(
  "indexOf",
  (args, ctx) => {
    const s = str(args[0]);
    const sub = str(args[1]);
    if (s === null || sub === null) return null;
    // A null start means the beginning.
    const start = args.length > 2 ? (num(args[2]) ?? 0) : 0;
    const i = fold(s, ctx.caseInsensitive).indexOf(fold(sub, ctx.caseInsensitive), Math.max(0, start));
    return i < 0 ? null : i;
  },
  2,
  3,
);

registerFunction(
  "length",
  (args) => {
    // A list's length is its number of values (Python EQL over multi-value fields).
    if (Array.isArray(args[0])) return args[0].length;
    const s = str(args[0]);
    return s === null ? null : s.length;
  },
  1,
  1,
);

registerFunction(
  "number",
  (args) => {
    const s = first(args[0]);
    if (s === null) return null;
    if (typeof s === "number") return s;
    const base = args.length > 1 ? num(args[1]) : 10;
    if (base === null) return null;
    const text = String(s).trim();
    if (base === 10) {
      const n = parseNumber(text);
      return Number.isNaN(n) ? null : n;
    }
    const body = base === 16 ? text.replace(/^0x/i, "") : text;
    const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
    const neg = body.startsWith("-");
    const b = neg ? body.slice(1) : body;
    if (!b || [...b.toLowerCase()].some((c) => !digits.includes(c))) return null;
    const n = parseInt(b, base);
    return neg ? -n : n;
  },
  1,
  2,
);

registerFunction(
  "string",
  (args) => {
    const s = first(args[0]);
    if (s === null) return null;
    return typeof s === "number" ? numberText(s) : String(s);
  },
  1,
  1,
);

registerFunction(
  "substring",
  (args) => {
    const s = str(args[0]);
    if (s === null) return null;
    const n = s.length;
    // Null positions mean the ends, as in a Python slice.
    const startArg = num(args[1]) ?? 0;
    const endArg = args.length > 2 ? num(args[2]) : null;
    // Python slice semantics: negative positions count from the end.
    const norm = (i: number): number => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
    const start = norm(startArg);
    const end = endArg === null ? n : norm(endArg);
    return end <= start ? "" : s.slice(start, end);
  },
  2,
  3,
);

/** True when the IP (v4 or v6) is inside the CIDR block (or equals a bare address). */
export function inCidr(ip: string, cidr: string): boolean {
  const slash = cidr.indexOf("/");
  const netText = slash < 0 ? cidr : cidr.slice(0, slash);
  const a = ipBits(ip.trim());
  const n = ipBits(netText.trim());
  if (!a || !n || a.width !== n.width) return false;
  const bits = slash < 0 ? a.width : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > a.width) return false;
  const shift = BigInt(a.width - bits);
  return a.value >> shift === n.value >> shift;
}

function ipBits(text: string): { value: bigint; width: number } | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m) {
    let v = 0n;
    for (let i = 1; i <= 4; i++) {
      const p = Number(m[i]);
      if (p > 255) return null;
      v = (v << 8n) | BigInt(p);
    }
    return { value: v, width: 32 };
  }
  if (!text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (!s) return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const h = groups(halves[0]!);
  const t = halves.length === 2 ? groups(halves[1]!) : [];
  if (!h || !t) return null;
  const all = halves.length === 2 ? [...h, ...new Array<number>(Math.max(0, 8 - h.length - t.length)).fill(0), ...t] : h;
  if (all.length !== 8) return null;
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return { value: v, width: 128 };
}

// Endgame (Python EQL) functions.

registerFunction(
  "arrayContains",
  (args, ctx) => {
    const list = values(args[0]);
    if (list === null) return false;
    const wanted = args.slice(1).flatMap((a) => values(a) ?? []).map((w) => fold(w, ctx.caseInsensitive));
    return list.some((x) => wanted.includes(fold(x, ctx.caseInsensitive)));
  },
  2,
);

/** Python `re.match`: anchored at the start only. */
function pythonMatch(args: Value[], ci: boolean): Value {
  const vs = values(args[0]);
  if (vs === null) return null;
  const patterns = args.slice(1).flatMap((a) => values(a) ?? []);
  return vs.some((s) =>
    patterns.some((p) => {
      try {
        rejectNestedQuantifiers(p);
        return new RegExp(`^(?:${p})`, ci ? "is" : "s").test(s);
      } catch {
        return false;
      }
    }),
  );
}

registerFunction("match", (args, ctx) => pythonMatch(args, ctx.caseInsensitive), 2);
registerFunction("matchLite", (args, ctx) => pythonMatch(args, ctx.caseInsensitive), 2);

registerFunction(
  "wildcard",
  (args, ctx) => {
    const vs = values(args[0]);
    if (vs === null) return null;
    const patterns = args.slice(1).flatMap((a) => values(a) ?? []);
    return vs.some((s) => patterns.some((p) => wildcardRegExp(p.replace(/\\/g, "\\\\"), ctx.caseInsensitive).test(s)));
  },
  2,
);
