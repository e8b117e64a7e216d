import { parseIsoLike } from "./timestamp.ts";

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const ISO_IN_TEXT = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/;
const CLF_IN_TEXT = /(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s*([+-]\d{4}))?/;
const SLASH_IN_TEXT = /(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/;
const SYSLOG_IN_TEXT = /\b([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\b/;
const US_IN_TEXT = /\b(\d{2})\/(\d{2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AP]M))?/i;
const EPOCH_AT_START = /^(1\d{9})(?:\.(\d{1,6}))?\b/;

/** `dd/Mon/YYYY:HH:MM:SS ±zzzz` (Apache/NCSA) → ms; NaN when it is not one. */
export function parseClfTime(text: string): number {
  const clf = CLF_IN_TEXT.exec(text);
  if (!clf) return NaN;
  const [, d, mon, y, h, mi, s, tz] = clf;
  const month = MONTHS[mon!.toLowerCase()];
  if (month === undefined) return NaN;
  let ms = Date.UTC(+y!, month, +d!, +h!, +mi!, +s!);
  if (tz) {
    const sign = tz[0] === "-" ? -1 : 1;
    ms -= sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5))) * 60000;
  }
  return ms;
}

/**
 * Syslog `Mon dd HH:MM:SS` has no year: like Splunk, take the year that puts it no more than two
 * days in the future of `now`. Times are taken as UTC (no zone is written).
 */
export function parseSyslogTime(mon: string, day: number, h: number, mi: number, s: number, now = Date.now()): number {
  const month = MONTHS[mon.toLowerCase()];
  if (month === undefined) return NaN;
  const year = new Date(now).getUTCFullYear();
  const t = Date.UTC(year, month, day, h, mi, s);
  return t > now + 2 * 86400000 ? Date.UTC(year - 1, month, day, h, mi, s) : t;
}

/**
 * Finds the first recognisable timestamp in a line of text (ms; UTC when no offset is written);
 * NaN if none. Tries ISO-8601, Apache `dd/Mon/YYYY:…`, PAN `YYYY/MM/DD HH:MM:SS`, US
 * `MM/DD/YYYY hh:mm:ss AM`, syslog `Mon dd HH:MM:SS`, and epoch seconds at the line start.
 */
export function findTimestamp(line: string): number {
  const head = line.length > 400 ? line.slice(0, 400) : line;
  const iso = ISO_IN_TEXT.exec(head);
  if (iso) return parseIsoLike(iso[0]);
  const clf = parseClfTime(head);
  if (!Number.isNaN(clf)) return clf;
  const slash = SLASH_IN_TEXT.exec(head);
  if (slash) {
    const [, y, mo, d, h, mi, s] = slash;
    return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  }
  const us = US_IN_TEXT.exec(head);
  if (us) {
    const [, mo, d, y, h, mi, s, ampm] = us;
    let hour = +h! % (ampm ? 12 : 24);
    if (ampm && ampm.toUpperCase() === "PM") hour += 12;
    return Date.UTC(+y!, +mo! - 1, +d!, hour, +mi!, +s!);
  }
  const sys = SYSLOG_IN_TEXT.exec(head);
  if (sys && MONTHS[sys[1]!.toLowerCase()] !== undefined) {
    const t = parseSyslogTime(sys[1]!, +sys[2]!, +sys[3]!, +sys[4]!, +sys[5]!);
    return sys[6] ? t + Number("0." + sys[6]) * 1000 : t;
  }
  const epoch = EPOCH_AT_START.exec(head);
  if (epoch) return Number(epoch[0]) * 1000;
  return NaN;
}
