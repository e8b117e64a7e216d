import { describe, expect, it } from "vitest";
import { decodeShare, encodeShare, ShareError, validateShare, type ShareState } from "../src/app/share.ts";

const base: ShareState = {
  v: 1,
  lang: "spl",
  query: 'sourcetype="stream:tcp" ssl_issuer="C = US" | stats count by src_ip',
  timeRange: { earliest: 1503532800000, latest: 1503619200000 },
  timeZone: "America/Los_Angeles",
  splitBy: "sourcetype",
  ran: true,
  datasets: [],
  sample: false,
};

describe("share state: the data source", () => {
  it("round-trips a ClickHouse dataset and the local source through the URL text", () => {
    for (const source of [{ kind: "clickhouse" as const, dataset: "bots_2017" }, { kind: "local" as const }]) {
      const state = { ...base, source };
      expect(decodeShare(encodeShare(state))).toEqual(state);
    }
  });

  it("reads links made before data sources existed (no source: the local files)", () => {
    expect(decodeShare(encodeShare(base))).toEqual(base);
    expect(decodeShare(encodeShare(base)).source).toBeUndefined();
  });

  it("rejects unknown keys and bad values with a message naming them", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ kind: "clickhouse" }, /source.dataset/],
      [{ kind: "clickhouse", dataset: "x'); DROP TABLE t; --" }, /source.dataset/],
      [{ kind: "clickhouse", dataset: "9lives" }, /source.dataset/],
      [{ kind: "clickhouse", dataset: "a".repeat(65) }, /source.dataset/],
      [{ kind: "clickhouse", dataset: 12 }, /source.dataset/],
      [{ kind: "clickhouse", dataset: "bots", url: "http://evil.example" }, /unknown keys/],
      [{ kind: "local", dataset: "bots" }, /unknown keys/],
      [{ kind: "elastic", dataset: "bots" }, /source.kind/],
      ["clickhouse:bots", /"source" must be/],
      [null, /"source" must be/],
      [["clickhouse", "bots"], /"source" must be/],
    ];
    for (const [source, message] of bad) {
      const run = () => validateShare({ ...base, source });
      expect(run).toThrow(ShareError);
      expect(run).toThrow(message);
    }
    expect(() => validateShare({ ...base, dataSource: "bots" })).toThrow(/unknown settings: dataSource/);
  });
});
