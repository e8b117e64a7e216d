/**
 * Time arithmetic in an IANA timezone, as SPL needs it: relative modifiers (`-24h@h`), absolute
 * `%m/%d/%Y:%H:%M:%S` times, snapping to day/week/month boundaries, strftime/strptime. All wall-clock
 * work goes through Intl.DateTimeFormat so daylight-saving changes are handled by the platform.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is a timezone the platform knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a timezone. */
export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock time of `ms` in `tz`. */
export function wallTime(ms: number, tz: string): WallTime {
  const parts = formatter(tz).formatToParts(new Date(Math.floor(ms / 1000) * 1000));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")) % 24,
    minute: Number(get("minute")),
    second: Number(get("second")),
    ms: ((ms % 1000) + 1000) % 1000,
    weekday: WEEKDAYS[get("weekday")] ?? 0,
  };
}

const offsetCache = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

/**
 * Offset of `tz` from UTC at instant `ms`, in ms (local = utc + offset). Cached per UTC quarter
 * hour: zone offsets are multiples of 15 minutes and change on those boundaries, and bucketing a
 * million events must not call Intl a million times.
 */
export function tzOffset(ms: number, tz: string): number {
  if (tz === "UTC" || tz === "Etc/UTC") return 0;
  let cache = offsetCache.get(tz);
  if (!cache) offsetCache.set(tz, (cache = new Map()));
  const block = Math.floor(ms / QUARTER_HOUR);
  let off = cache.get(block);
  if (off === undefined) {
    off = computeOffset(block * QUARTER_HOUR, tz);
    if (cache.size > 200_000) cache.clear();
    cache.set(block, off);
  }
  return off;
}

function computeOffset(ms: number, tz: string): number {
  const w = wallTime(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant whose wall-clock time in `tz` is the given fields (month 1-12; overflow allowed). */
export function fromWall(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let t = guess - tzOffset(guess, tz);
  // A second pass settles instants near a daylight-saving change.
  t = guess - tzOffset(t, tz);
  return t;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Canonical unit of a Splunk time unit word (s, m, h, d, w, mon, q, y), or null. */
export function timeUnit(u: string): "s" | "m" | "h" | "d" | "w" | "mon" | "q" | "y" | null {
  const x = u.toLowerCase();
  if (["s", "sec", "secs", "second", "seconds"].includes(x)) return "s";
  if (["m", "min", "mins", "minute", "minutes"].includes(x)) return "m";
  if (["h", "hr", "hrs", "hour", "hours"].includes(x)) return "h";
  if (["d", "day", "days"].includes(x)) return "d";
  if (["w", "week", "weeks"].includes(x)) return "w";
  if (["mon", "month", "months"].includes(x)) return "mon";
  if (["q", "qtr", "qtrs", "quarter", "quarters"].includes(x)) return "q";
  if (["y", "yr", "yrs", "year", "years"].includes(x)) return "y";
  return null;
}

/** Adds `n` units to an instant (calendar units in `tz`). */
function addUnits(ms: number, n: number, unit: string, tz: string): number {
  if (unit in UNIT_MS) return ms + n * UNIT_MS[unit]!;
  const w = wallTime(ms, tz);
  const months = unit === "mon" ? n : unit === "q" ? 3 * n : 12 * n;
  return fromWall(w.year, w.month + months, w.day, w.hour, w.minute, w.second, w.ms, tz);
}

/** Rounds an instant down to the start of its unit in `tz` (`@d`, `@h`, `@w0`, `@mon`...). */
export function snap(ms: number, unit: string, tz: string, weekday = 0): number {
  const w = wallTime(ms, tz);
  switch (unit) {
    case "s":
      return Math.floor(ms / 1000) * 1000;
    case "m":
      return fromWall(w.year, w.month, w.day, w.hour, w.minute, 0, 0, tz);
    case "h":
      return fromWall(w.year, w.month, w.day, w.hour, 0, 0, 0, tz);
    case "d":
      return fromWall(w.year, w.month, w.day, 0, 0, 0, 0, tz);
    case "w": {
      const back = (w.weekday - weekday + 7) % 7;
      return fromWall(w.year, w.month, w.day - back, 0, 0, 0, 0, tz);
    }
    case "mon":
      return fromWall(w.year, w.month, 1, 0, 0, 0, 0, tz);
    case "q":
      return fromWall(w.year, w.month - ((w.month - 1) % 3), 1, 0, 0, 0, 0, tz);
    case "y":
      return fromWall(w.year, 1, 1, 0, 0, 0, 0, tz);
    default:
      return ms;
  }
}

/**
 * Resolves a Splunk time modifier to ms: `now`, epoch seconds, `%m/%d/%Y:%H:%M:%S` (wall time in `tz`),
 * or a relative chain like `-24h@h`, `-7d@w1`, `@d`, `+1d@d-2h`. Returns null when unparseable.
 */
export function resolveTimeModifier(text: string, nowMs: number, tz: string): number | null {
  const s = text.trim();
  if (s === "" ) return null;
  if (s.toLowerCase() === "now") return nowMs;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const abs = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?::(\d{1,2}):(\d{1,2}):(\d{1,2}))?$/.exec(s);
  if (abs) {
    const [, mo, d, y, h, mi, se] = abs;
    return fromWall(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0), 0, tz);
  }
  let t = nowMs;
  const re = /([+-])(\d*)([a-zA-Z]+)|@([a-zA-Z]+?)(\d?)(?=$|[+-])/gy;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return null;
    if (m[1]) {
      const unit = timeUnit(m[3]!);
      if (!unit) return null;
      const n = m[2] === "" ? 1 : Number(m[2]);
      t = addUnits(t, m[1] === "-" ? -n : n, unit, tz);
    } else {
      const unit = timeUnit(m[4]!);
      if (!unit) return null;
      t = snap(t, unit, tz, m[5] ? Number(m[5]) : 0);
    }
    i = re.lastIndex;
  }
  return t;
}

/** Parses a span like `1h`, `30m`, `1d`, `1mon` to ms (months as 30 days) or null. */
export function parseSpan(text: string): { ms: number; unit: string; n: number } | null {
  const m = /^(\d+(?:\.\d+)?)?([a-zA-Z]+)$/.exec(text.trim());
  if (!m) return null;
  const unit = timeUnit(m[2]!);
  if (!unit) return null;
  const n = m[1] ? Number(m[1]) : 1;
  if (!(n > 0)) return null;
  const ms = unit === "mon" ? n * 30 * 86_400_000 : unit === "q" ? n * 91 * 86_400_000 : unit === "y" ? n * 365 * 86_400_000 : n * UNIT_MS[unit]!;
  return { ms, unit, n };
}

const dayBucketCache = new Map<string, number>();

/** Start of the span bucket holding `ms`; day-or-longer spans align to midnight in `tz`. */
export function bucketStart(ms: number, spanMs: number, tz: string): number {
  if (spanMs >= 86_400_000) {
    // Every instant of one UTC quarter hour lies in the same local day: cache per block.
    const key = `${tz}\u0000${spanMs}\u0000${Math.floor(ms / QUARTER_HOUR)}`;
    let b = dayBucketCache.get(key);
    if (b === undefined) {
      b = dayBucket(ms, spanMs, tz);
      if (dayBucketCache.size > 200_000) dayBucketCache.clear();
      dayBucketCache.set(key, b);
    }
    return b;
  }
  // Sub-day spans: align on local wall time so a 1h bucket starts on the local hour.
  const off = tzOffset(ms, tz);
  const local = ms + off;
  return local - (((local % spanMs) + spanMs) % spanMs) - off;
}

/** Calendar months in a bucket of `spanMs` (30-day units, as `1mon`, `1q`, `1y` become), or 0 below 28 days. */
function spanMonths(spanMs: number): number {
  const days = Math.round(spanMs / 86_400_000);
  return days >= 28 ? Math.max(1, Math.round(days / 30)) : 0;
}

/**
 * The start of the bucket after the one starting at `start`. Month buckets step by calendar
 * months (30 days from the 1st of a 31-day month is still in that month, and a day more would skip
 * February); day buckets step over DST changes (hence the 2 h of slack); the rest by the span.
 */
export function nextBucketStart(start: number, spanMs: number, tz: string): number {
  const months = spanMonths(spanMs);
  if (months > 0) {
    const w = wallTime(start, tz);
    return fromWall(w.year, w.month + months, 1, 0, 0, 0, 0, tz);
  }
  const next = bucketStart(start + spanMs + (spanMs >= 86_400_000 ? 7_200_000 : 0), spanMs, tz);
  return next > start ? next : start + spanMs;
}

/** Every bucket start from the bucket of `lo` through the one holding `hi`, at most `max` of them. */
export function bucketStarts(lo: number, hi: number, spanMs: number, tz: string, max: number): number[] {
  const starts: number[] = [];
  for (let b = bucketStart(lo, spanMs, tz); b <= hi && starts.length < max; b = nextBucketStart(b, spanMs, tz)) starts.push(b);
  return starts;
}

function dayBucket(ms: number, spanMs: number, tz: string): number {
  {
    const days = Math.round(spanMs / 86_400_000);
    const months = spanMonths(spanMs);
    if (months > 0) {
      const w = wallTime(ms, tz);
      const idx = w.year * 12 + (w.month - 1);
      const start = idx - (idx % months);
      return fromWall(Math.floor(start / 12), (start % 12) + 1, 1, 0, 0, 0, 0, tz);
    }
    const w = wallTime(ms, tz);
    const dayNumber = Math.floor(Date.UTC(w.year, w.month - 1, w.day) / 86_400_000);
    const startDay = dayNumber - (((dayNumber % days) + days) % days);
    const d = new Date(startDay * 86_400_000);
    return fromWall(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, 0, 0, tz);
  }
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Formats epoch ms with strftime directives in `tz` (Splunk's %c is "%a %b %e %H:%M:%S %Y"). */
export function strftime(ms: number, format: string, tz: string): string {
  const w = wallTime(ms, tz);
  const off = tzOffset(ms, tz) / 60000;
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%" || i + 1 >= format.length) {
      out += c;
      continue;
    }
    let d = format[++i]!;
    let digits = 0;
    if (/\d/.test(d) && format[i + 1] === "N") {
      digits = Number(d);
      d = format[++i]!;
    }
    switch (d) {
      case "Y": out += w.year; break;
      case "y": out += pad(w.year % 100); break;
      case "m": out += pad(w.month); break;
      case "d": out += pad(w.day); break;
      case "e": out += String(w.day).padStart(2, " "); break;
      case "H": out += pad(w.hour); break;
      case "I": out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12); break;
      case "M": out += pad(w.minute); break;
      case "S": out += pad(w.second); break;
      case "p": out += w.hour < 12 ? "AM" : "PM"; break;
      case "b": case "h": out += MONTHS[w.month - 1]!.slice(0, 3); break;
      case "B": out += MONTHS[w.month - 1]; break;
      case "a": out += DAYS[w.weekday]!.slice(0, 3); break;
      case "A": out += DAYS[w.weekday]; break;
      case "w": out += w.weekday; break;
      case "j": out += pad(Math.floor((Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86_400_000) + 1, 3); break;
      case "F": out += `${w.year}-${pad(w.month)}-${pad(w.day)}`; break;
      case "T": out += `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`; break;
      case "c": out += `${DAYS[w.weekday]!.slice(0, 3)} ${MONTHS[w.month - 1]!.slice(0, 3)} ${String(w.day).padStart(2, " ")} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)} ${w.year}`; break;
      case "x": out += `${pad(w.month)}/${pad(w.day)}/${pad(w.year % 100)}`; break;
      case "X": out += `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`; break;
      case "s": out += Math.floor(ms / 1000); break;
      case "N": out += pad(w.ms, 3).slice(0, digits || 3).padEnd(digits || 3, "0"); break;
      case "Q": out += pad(w.ms, 3); break;
      case "z": out += `${off < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`; break;
      case "Z": out += shortZone(ms, tz); break;
      case "%": out += "%"; break;
      default: out += "%" + d;
    }
  }
  return out;
}

function shortZone(ms: number, tz: string): string {
  const p = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" }).formatToParts(new Date(ms));
  return p.find((x) => x.type === "timeZoneName")?.value ?? tz;
}

/** Parses text with strftime directives as wall time in `tz`; epoch ms or null when it does not match. */
export function strptime(text: string, format: string, tz: string): number | null {
  let re = "^";
  const order: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      continue;
    }
    let d = format[++i] ?? "";
    if (/\d/.test(d) && format[i + 1] === "N") d = format[++i]!;
    const groups: Record<string, string> = {
      Y: "(\\d{4})", y: "(\\d{2})", m: "(\\d{1,2})", d: "(\\d{1,2})", e: "\\s?(\\d{1,2})", H: "(\\d{1,2})", I: "(\\d{1,2})",
      M: "(\\d{1,2})", S: "(\\d{1,2})", p: "(AM|PM|am|pm)", b: "([A-Za-z]{3})", B: "([A-Za-z]+)", a: "[A-Za-z]{3}", A: "[A-Za-z]+",
      N: "(\\d+)", Q: "(\\d+)", s: "(\\d+)", z: "([+-]\\d{2}:?\\d{2}|Z)", Z: "[A-Za-z]+", "%": "%", T: "(\\d{1,2}):(\\d{1,2}):(\\d{1,2})",
      F: "(\\d{4})-(\\d{1,2})-(\\d{1,2})",
    };
    const g = groups[d];
    if (g === undefined) return null;
    re += g;
    if (d === "T") order.push("H", "M", "S");
    else if (d === "F") order.push("Y", "m", "d");
    else if (g.includes("(")) order.push(d);
  }
  const m = new RegExp(re + "$").exec(text.trim()) ?? new RegExp(re).exec(text.trim());
  if (!m) return null;
  let Y = 1970, mo = 1, d = 1, H = 0, M = 0, S = 0, ms = 0, pm: boolean | null = null, zone: number | null = null;
  for (let k = 0; k < order.length; k++) {
    const v = m[k + 1]!;
    switch (order[k]) {
      case "Y": Y = Number(v); break;
      case "y": Y = 2000 + Number(v); break;
      case "m": mo = Number(v); break;
      case "d": case "e": d = Number(v); break;
      case "H": case "I": H = Number(v); break;
      case "M": M = Number(v); break;
      case "S": S = Number(v); break;
      case "p": pm = v.toLowerCase() === "pm"; break;
      case "b": case "B": mo = MONTHS.findIndex((x) => x.slice(0, 3).toLowerCase() === v.slice(0, 3).toLowerCase()) + 1; break;
      case "N": case "Q": ms = Number((v + "00").slice(0, 3)); break;
      case "s": return Number(v) * 1000;
      case "z": zone = v === "Z" ? 0 : (v[0] === "-" ? -1 : 1) * (Number(v.slice(1, 3)) * 60 + Number(v.slice(-2))); break;
    }
  }
  if (pm !== null) H = (H % 12) + (pm ? 12 : 0);
  if (mo < 1) return null;
  if (zone !== null) return Date.UTC(Y, mo - 1, d, H, M, S, ms) - zone * 60000;
  return fromWall(Y, mo, d, H, M, S, ms, tz);
}
