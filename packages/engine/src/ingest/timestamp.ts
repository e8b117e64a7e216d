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
