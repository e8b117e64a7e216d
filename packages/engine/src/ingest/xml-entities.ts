const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of s[start, end) with XML entities decoded; unknown entities are kept as written. */
export function decodeEntities(s: string, start: number, end: number): string {
  let amp = s.indexOf("&", start);
  if (amp < 0 || amp >= end) return s.slice(start, end);
  let out = "";
  let from = start;
  while (amp >= 0 && amp < end) {
    const semi = s.indexOf(";", amp + 1);
    if (semi < 0 || semi >= end || semi - amp > 12) {
      amp = s.indexOf("&", amp + 1);
      continue;
    }
    const ent = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (ent.charCodeAt(0) === 35 /* # */) {
      const code = ent.charCodeAt(1) === 120 || ent.charCodeAt(1) === 88 ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff) rep = String.fromCodePoint(code);
    } else {
      rep = NAMED[ent];
    }
    if (rep !== undefined) {
      out += s.slice(from, amp) + rep;
      from = semi + 1;
    }
    amp = s.indexOf("&", semi + 1);
  }
  return out + s.slice(from, end);
}
