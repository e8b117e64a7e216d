/**
 * The timechart bucket index as SQL (`src/buckets.ts`), evaluated by ClickHouse on instants
 * around every bucket edge, equals the engine's own `bucketStart` — in UTC, in zones with
 * daylight saving (a 1 h change, Lord Howe's 30 min change), with a half-hour offset, for
 * sub-day spans that do and do not divide an hour, days, weeks and months.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketStart } from "@quarry/engine";
import { Connection } from "../src/index.ts";
import { timeBuckets } from "../src/buckets.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";

const H = 3_600_000;
const D = 24 * H;
const CASES: Array<{ tz: string; span: number; from: string; to: string; pieces?: number }> = [
  { tz: "UTC", span: H, from: "2017-08-01T00:00:00Z", to: "2017-09-01T00:00:00Z", pieces: 1 },
  { tz: "UTC", span: 7 * 60_000, from: "2017-08-01T00:03:00Z", to: "2017-08-03T00:00:00Z", pieces: 1 },
  { tz: "America/Los_Angeles", span: H, from: "2017-03-10T00:00:00Z", to: "2017-03-14T00:00:00Z" },
  { tz: "America/Los_Angeles", span: 2 * H, from: "2017-10-30T00:00:00Z", to: "2017-11-09T00:00:00Z" },
  { tz: "Europe/Berlin", span: 3 * H, from: "2017-03-20T00:00:00Z", to: "2017-11-05T00:00:00Z" },
  { tz: "Europe/Berlin", span: 45 * 60_000, from: "2017-10-27T00:00:00Z", to: "2017-11-01T00:00:00Z" },
  { tz: "Australia/Lord_Howe", span: 30 * 60_000, from: "2017-03-30T00:00:00Z", to: "2017-04-04T00:00:00Z" },
  { tz: "Asia/Kolkata", span: H, from: "2017-08-01T00:00:00Z", to: "2017-08-05T00:00:00Z", pieces: 1 },
  { tz: "America/Los_Angeles", span: D, from: "2017-02-20T00:00:00Z", to: "2017-04-10T00:00:00Z" },
  { tz: "Europe/Berlin", span: 7 * D, from: "2017-01-01T00:00:00Z", to: "2017-12-31T00:00:00Z" },
  { tz: "America/Los_Angeles", span: 30 * D, from: "2017-08-02T00:00:00Z", to: "2017-08-30T00:00:00Z", pieces: 1 },
  { tz: "UTC", span: 30 * D, from: "2017-01-01T12:00:00Z", to: "2017-04-30T12:00:00Z" },
  { tz: "America/Los_Angeles", span: 90 * D, from: "2017-01-15T00:00:00Z", to: "2017-12-15T00:00:00Z" },
  { tz: "UTC", span: 7 * 60_000, from: "2017-08-01T00:03:00Z", to: "2017-08-01T00:05:00Z", pieces: 1 },
  { tz: "UTC", span: H, from: "2017-08-01T00:00:00Z", to: "2017-08-01T00:00:00Z", pieces: 1 },
];

describe.skipIf(!haveClickHouse)("timechart buckets in SQL", () => {
  let server: TestServer;
  let conn: Connection;
  beforeAll(async () => {
    server = await startServer();
    conn = new Connection(server.url);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await server?.stop();
  }, 60_000);

  for (const c of CASES) {
    it(`${c.tz}, span ${c.span / 60_000} min, ${c.from} .. ${c.to}`, async () => {
      const lo = Date.parse(c.from);
      const hi = Date.parse(c.to);
      const b = timeBuckets(lo, hi, c.span, c.tz);
      expect(b).not.toBeNull();
      const { starts, sql } = b!;
      if (c.pieces === 1) expect(sql).not.toContain("multiIf");
      // Instants on each side of every bucket edge, and spread inside the buckets.
      const probe = new Set<number>([lo, hi]);
      for (const s of starts) for (const d of [-1, 0, 1, 59_999, 60_000]) if (s + d >= lo && s + d <= hi) probe.add(s + d);
      for (let t = lo; t <= hi; t += Math.max(1, Math.floor((hi - lo) / 4000))) probe.add(t + (t % 997));
      const ms = [...probe].filter((t) => t >= lo && t <= hi).sort((x, y) => x - y);
      const got: number[] = [];
      for (let i = 0; i < ms.length; i += 2000) {
        const rows = await conn.rows<{ i: string | number }>(`SELECT ${sql} AS i FROM (SELECT toInt64(arrayJoin([${ms.slice(i, i + 2000).join(", ")}])) AS _ms) ORDER BY _ms`);
        got.push(...rows.map((r) => Number(r.i)));
      }
      const index = new Map(starts.map((s, i) => [s, i]));
      const want = ms.map((t) => index.get(bucketStart(t, c.span, c.tz)) ?? -1);
      expect(want).not.toContain(-1);
      expect(got).toEqual(want);
      expect(new Set(want).size).toBe(starts.length);
    }, 60_000);
  }

  it("month buckets over months of 31, 28 and 30 days are the calendar months", () => {
    const lo = Date.parse("2017-01-01T12:00:00Z");
    const hi = Date.parse("2017-04-30T12:00:00Z");
    expect(timeBuckets(lo, hi, 30 * D, "UTC")?.starts).toEqual([Date.UTC(2017, 0, 1), Date.UTC(2017, 1, 1), Date.UTC(2017, 2, 1), Date.UTC(2017, 3, 1)]);
  });
});
