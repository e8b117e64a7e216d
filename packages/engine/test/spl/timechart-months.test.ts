import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runSpl } from "../../src/index.ts";

/** One event a day at 01:00 UTC for `days` days from 1 Jan 2017, with a two-valued field. */
function daily(days: number): Dataset {
  const lines: string[] = [];
  for (let d = 0; d < days; d++) lines.push(JSON.stringify({ "@timestamp": new Date(Date.UTC(2017, 0, 1, 1) + d * 86_400_000).toISOString(), kind: d % 2 ? "odd" : "even" }));
  const ds = new Dataset();
  ingestBytes(ds, "days.json", new TextEncoder().encode(lines.join("\n")));
  return ds;
}

const day = (t: unknown) => new Date(Number(t) * 1000).toISOString().slice(0, 10);
const rows = (ds: Dataset, q: string, tz = "UTC") => runSpl(ds, q, { tz }).results.map((r) => [day(r._time), r.count]);

describe("timechart over calendar months", () => {
  const ds = daily(120);
  it("has one bucket per month and loses no event (fast path and general executor)", () => {
    const want = [["2017-01-01", 31], ["2017-02-01", 28], ["2017-03-01", 31], ["2017-04-01", 30]];
    expect(rows(ds, "* | timechart span=1mon count")).toEqual(want);
    // An eval first sends the search through the general timechart executor.
    expect(rows(ds, '* | eval k=kind | timechart span=1mon count')).toEqual(want);
    expect(rows(ds, "* | bin _time span=1mon | stats count by _time")).toEqual(want);
  });

  it("steps by two months, quarters and in a zone with DST", () => {
    expect(rows(ds, "* | timechart span=2mon count")).toEqual([["2017-01-01", 59], ["2017-03-01", 61]]);
    expect(rows(ds, "* | timechart span=1q count")).toEqual([["2017-01-01", 90], ["2017-04-01", 30]]);
    const la = runSpl(ds, "* | timechart span=1mon count", { tz: "America/Los_Angeles" }).results;
    // 01:00 UTC is the evening before in Los Angeles: the first event falls in December.
    expect(la.map((r) => r.count)).toEqual([1, 31, 28, 31, 29]);
    expect(la.map((r) => Number(r._time) * 1000)).toEqual([Date.UTC(2016, 11, 1, 8), Date.UTC(2017, 0, 1, 8), Date.UTC(2017, 1, 1, 8), Date.UTC(2017, 2, 1, 8), Date.UTC(2017, 3, 1, 7)]);
  });
});
