import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIsoLike } from "../../src/ingest/timestamp.ts";

const pad = (n: number, w: number) => String(n).padStart(w, "0");

describe("parseIsoLike", () => {
  it("reads ISO-8601 with any fraction, separator and offset to the exact ms", () => {
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1970, max: 2099 }),
          mo: fc.integer({ min: 1, max: 12 }),
          d: fc.integer({ min: 1, max: 28 }),
          h: fc.integer({ min: 0, max: 23 }),
          mi: fc.integer({ min: 0, max: 59 }),
          s: fc.integer({ min: 0, max: 59 }),
          frac: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
          sep: fc.constantFrom("T", " ", "t"),
          tz: fc.constantFrom("", "Z", "z", "+00:00", "-07:00", "+0530", "-03", " Z", " +02:00"),
        }),
        ({ y, mo, d, h, mi, s, frac, sep, tz }) => {
          const text = `${y}-${pad(mo, 2)}-${pad(d, 2)}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac === undefined ? "" : "." + frac}${tz}`;
          let want = Date.UTC(y, mo - 1, d, h, mi, s) + (frac === undefined ? 0 : Number("0." + frac) * 1000);
          const m = /([+-])(\d{2}):?(\d{2})?$/.exec(tz.trim());
          if (m) want -= (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60000;
          expect(parseIsoLike(text)).toBe(want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps the other shapes: dates alone, minutes, RFC 2822, garbage", () => {
    expect(parseIsoLike("2017-08-24")).toBe(Date.UTC(2017, 7, 24));
    expect(parseIsoLike("2017-08-24T10:11")).toBe(Date.UTC(2017, 7, 24, 10, 11));
    expect(parseIsoLike("2017-08-24T10:11:12,5Z")).toBe(Date.UTC(2017, 7, 24, 10, 11, 12, 500));
    expect(parseIsoLike("Thu, 24 Aug 2017 10:11:12 GMT")).toBe(Date.UTC(2017, 7, 24, 10, 11, 12));
    expect(parseIsoLike("2017-08-24T10:11:12Zjunk")).toBeNaN();
    expect(parseIsoLike("2017-08-24T10:11:12.Z")).toBeNaN();
    expect(parseIsoLike("not a time")).toBeNaN();
  });
});
