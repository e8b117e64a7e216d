import { parseIsoLike } from "./timestamp.ts";

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const ISO_IN_TEXT = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/;
const CLF_IN_TEXT = /(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s*([+-]\d{4}))?/;
const SLASH_IN_TEXT = /(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/;

/** Finds the first recognisable timestamp in a line of text (ms, UTC when no offset); NaN if none. */
export function findTimestamp(line: string): number {
  const head = line.length > 400 ? line.slice(0, 400) : line;
  const iso = ISO_IN_TEXT.exec(head);
  if (iso) return parseIsoLike(iso[0]);
  const clf = CLF_IN_TEXT.exec(head);
  if (clf) {
    const [, d, mon, y, h, mi, s, tz] = clf;
    const month = MONTHS[mon!.toLowerCase()];
    if (month !== undefined) {
      let ms = Date.UTC(+y!, month, +d!, +h!, +mi!, +s!);
      if (tz) {
        const sign = tz[0] === "-" ? -1 : 1;
        ms -= sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5))) * 60000;
      }
      return ms;
    }
  }
  const slash = SLASH_IN_TEXT.exec(head);
  if (slash) {
    const [, y, mo, d, h, mi, s] = slash;
    return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  }
  return NaN;
}
