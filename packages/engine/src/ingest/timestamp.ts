/**
 * Turns the timestamp representations found in logs into ms since the epoch (NaN when unknown):
 * ISO-8601 with any fraction and offset, epoch seconds/ms/µs/ns (by magnitude), and Windows
 * FILETIME ticks (100 ns since 1601).
 */
export function toEpochMs(value: unknown): number {
  if (typeof value === "number") return numericToMs(value);
  if (typeof value !== "string") return NaN;
  const text = value.trim();
  if (text.length === 0) return NaN;
  if (/^-?\d+(\.\d+)?$/.test(text)) return numericToMs(Number(text));
  return parseIsoLike(text);
}

const FILETIME_EPOCH_OFFSET_MS = 11644473600000;

/** Classifies a bare number by magnitude: s (≤1e11), ms (≤1e14), µs (≤1e17), FILETIME ticks, ns. */
export function numericToMs(n: number): number {
  if (!Number.isFinite(n)) return NaN;
  const abs = Math.abs(n);
  if (abs < 1e11) return n * 1000;
  if (abs < 1e14) return n;
  if (abs < 1e17) {
    // FILETIME ticks of 1970–2100 lie in 1.16e17–1.6e17; smaller values are microseconds.
    return n / 1000;
  }
  if (abs < 1e18) return n / 10000 - FILETIME_EPOCH_OFFSET_MS;
  return n / 1e6;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/i;

/** ISO-8601 / RFC 3339 style dates; a missing offset means UTC. */
export function parseIsoLike(text: string): number {
  const fast = isoByPosition(text);
  if (!Number.isNaN(fast)) return fast;
  const m = ISO.exec(text);
  if (!m) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? NaN : t;
  }
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac, tz] = m;
  let ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  if (frac) ms += Number("0." + frac) * 1000;
  if (tz && tz.toUpperCase() !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    const digits = tz.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    ms -= sign * (oh * 60 + om) * 60000;
  }
  return ms;
}

/** Digit value of text[i], or -1. */
function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at i as a number, or -1. */
function two(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * The common shape `YYYY-MM-DD[T ]HH:MM:SS[.fff…][Z|±HH:MM]` read by position (every log
 * timestamp goes through here at ingest, and the regex was a profile hot spot); NaN for any
 * other shape, which the regex then handles. Same arithmetic as the regex path, so the same ms.
 */
function isoByPosition(text: string): number {
  const n = text.length;
  if (n < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NaN;
  const sep = text.charCodeAt(10);
  if (sep !== 84 && sep !== 116 && sep !== 32) return NaN;
  const y = two(text, 0) * 100 + two(text, 2);
  const mo = two(text, 5);
  const d = two(text, 8);
  const h = two(text, 11);
  const mi = two(text, 14);
  const sec = two(text, 17);
  if (y < 0 || two(text, 0) < 0 || two(text, 2) < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return NaN;
  let ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  let i = 19;
  const dot = text.charCodeAt(i);
  if (dot === 46 || dot === 44) {
    let j = i + 1;
    while (j < n && digit(text, j) >= 0) j++;
    if (j === i + 1) return NaN;
    ms += Number("0." + text.slice(i + 1, j)) * 1000;
    i = j;
  }
  if (i === n) return ms;
  const z = text.charCodeAt(i);
  if ((z === 90 || z === 122) && i + 1 === n) return ms;
  if (z !== 43 && z !== 45) return NaN;
  // ±HH, ±HHMM or ±HH:MM, nothing after.
  const oh = two(text, i + 1);
  if (oh < 0) return NaN;
  let om = 0;
  if (i + 3 === n) om = 0;
  else if (i + 5 === n) om = two(text, i + 3);
  else if (i + 6 === n && text.charCodeAt(i + 3) === 58) om = two(text, i + 4);
  else return NaN;
  if (om < 0) return NaN;
  return ms - (z === 45 ? -1 : 1) * (oh * 60 + om) * 60000;
}
