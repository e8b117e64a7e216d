/**
 * Time formats of the sources. All of August 2017 is Pacific Daylight Time (UTC-7), so local
 * time is a fixed offset and no timezone database is needed.
 */
export const PDT_OFFSET_MS = -7 * 3600_000;
/** 2017-08-01 00:00 PDT: start of the generated month. */
export const MONTH_START = Date.UTC(2017, 7, 1, 7, 0, 0);
/** 2017-09-01 00:00 PDT: end (exclusive). */
export const MONTH_END = Date.UTC(2017, 8, 1, 7, 0, 0);
export const HOUR = 3600_000;
export const MINUTE = 60_000;
export const SECOND = 1000;

const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function p2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}
function p3(n: number): string {
  return n < 10 ? "00" + n : n < 100 ? "0" + n : String(n);
}

/** UTC ms for a Pacific wall-clock time in August 2017 (month is 1-based). */
export function pdt(month: number, day: number, h: number, mi: number, s: number, ms = 0): number {
  return Date.UTC(2017, month - 1, day, h, mi, s, ms) - PDT_OFFSET_MS;
}

/** `2017-08-24T03:45:03.1234567Z`-style Windows SystemTime with `digits` fractional digits (7 or 9). */
export function systemTime(t: number, sub: number, digits: 7 | 9): string {
  const d = new Date(t);
  // Windows clocks tick in 100 ns: 7 significant digits, rendered with two trailing zeros when 9 are shown.
  const frac = (p3(d.getUTCMilliseconds()) + String(sub).padStart(6, "0")).slice(0, 7) + (digits === 9 ? "00" : "");
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${frac}Z`;
}

/** Sysmon `UtcTime`: `2017-08-24 03:45:03.121`. */
export function sysmonUtc(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}`;
}

/** ISO UTC with microseconds, as Splunk Stream writes `timestamp`/`endtime`. */
export function isoMicro(t: number, micro: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}${String(micro).padStart(3, "0")}Z`;
}

/** Suricata eve.json `timestamp`: Pacific local time with microseconds and `-0700`. */
export function suricataTime(t: number, micro: number): string {
  const d = new Date(t + PDT_OFFSET_MS);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}${String(micro).padStart(3, "0")}-0700`;
}

/** PAN-OS `YYYY/MM/DD HH:MM:SS`. The firewall clock is UTC (stated in the manifest). */
export function panTime(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** Syslog header time `Aug 24 03:45:03` (UTC, like the PAN fields). */
export function syslogTime(t: number): string {
  const d = new Date(t);
  const day = d.getUTCDate();
  return `${MON[d.getUTCMonth()]} ${day < 10 ? " " + day : day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** Apache `[24/Aug/2017:03:45:03 +0000]` content (without brackets); the web server runs on UTC (AWS). */
export function clfTime(t: number): string {
  const d = new Date(t);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** Pacific hour of day (0–23) and weekday (0 = Sunday) of a UTC instant. */
export function localHourDay(t: number): { hour: number; dow: number } {
  const d = new Date(t + PDT_OFFSET_MS);
  return { hour: d.getUTCHours(), dow: d.getUTCDay() };
}

/** Relative activity of office users at a Pacific hour (business rhythm, weekends quiet). */
export function officeWeight(t: number): number {
  const { hour, dow } = localHourDay(t);
  const weekend = dow === 0 || dow === 6;
  const base = hour >= 8 && hour < 18 ? (hour === 12 ? 0.6 : 1) : hour >= 6 && hour < 20 ? 0.25 : 0.03;
  return weekend ? base * 0.12 : base;
}

/**
 * Server and internet traffic per Pacific hour: diurnal but never idle. A table of exact decimals rather
 * than a trig formula, so no libm rounding difference between JS engines can change the output bytes.
 */
const SERVER_BY_HOUR = [
  0.62, 0.58, 0.56, 0.55, 0.55, 0.58, 0.65, 0.74, 0.84, 0.92, 0.97, 1.0,
  1.0, 1.0, 0.98, 0.95, 0.92, 0.88, 0.84, 0.8, 0.76, 0.72, 0.68, 0.65,
];

/** Relative activity of internet-facing and server traffic at an instant. */
export function serverWeight(t: number): number {
  return SERVER_BY_HOUR[localHourDay(t).hour]!;
}
