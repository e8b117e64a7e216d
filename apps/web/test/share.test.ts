import { describe, expect, it } from "vitest";
import { decodeShare, encodeShare, validateShare, type ShareState } from "../src/app/share.ts";

const state: ShareState = {
  v: 1,
  lang: "eql",
  query: 'sequence by process.pid [process where process.name == "regsvr32.exe"] [network where true] // ünïcode',
  timeRange: { earliest: 1543883582199, latest: null },
  timeZone: "America/Los_Angeles",
  splitBy: "sourcetype",
  ran: true,
  datasets: [{ name: "normalized-T1117-AtomicRed-regsvr32.json", bytes: 59280, fingerprint: "0123456789abcdef" }],
  sample: false,
};

describe("share URL state", () => {
  it("round-trips through the compressed URL form, URL-safe", () => {
    const text = encodeShare(state);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeShare(text)).toEqual(state);
  });

  it("rejects unknown keys, bad values and damaged links with a message, never half-applied", () => {
    expect(() => validateShare({ ...state, layout: {} })).toThrow("unknown settings: layout");
    expect(() => validateShare({ ...state, v: 2 })).toThrow("version 2");
    expect(() => validateShare({ ...state, lang: "sql" })).toThrow('"lang"');
    expect(() => validateShare({ ...state, timeZone: "Mars/Olympus" })).toThrow("time zone");
    expect(() => validateShare({ ...state, timeRange: { earliest: 5, latest: 1 } })).toThrow("ends before");
    expect(() => validateShare({ ...state, timeRange: { earliest: "yesterday", latest: null } })).toThrow("timeRange.earliest");
    expect(() => validateShare({ ...state, datasets: [{ name: "x", bytes: 1, fingerprint: "zz" }] })).toThrow("fingerprint");
    const { ran: _ran, ...missing } = state;
    expect(() => validateShare(missing)).toThrow('lacks "ran"');
    expect(() => decodeShare("not-a-valid-state")).toThrow("damaged");
  });
});
