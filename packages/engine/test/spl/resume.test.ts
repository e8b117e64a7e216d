/**
 * `runSplPipes` continues a run from the table of its first pipe (what a backend such as
 * ClickHouse hands back after aggregating itself): the answer equals the whole local run, with
 * the run's timezone and "now" in effect for the later pipes, and those settings restored after.
 */
import { describe, expect, it } from "vitest";
import { parseSpl, runSpl, runSplPipes } from "../../src/index.ts";
import { splRuntime } from "../../src/exec/spl/runtime.ts";
import { webFixture } from "./fixture.ts";

const CASES: Array<[first: string, rest: string]> = [
  ["* | stats count by host", " | sort - count | head 2"],
  ["* | stats sum(bytes) as b, count by host", " | where count > 1 | eval kb=b/1024 | rename host as h | table h kb"],
  ["* | timechart span=1h count by host", " | untable _time host n | where n > 0"],
  ["* | chart count over host by action", " | fillnull value=0 | addtotals"],
  ["* | top user", " | fields - percent | reverse"],
  ["* | stats count by host", " | eval hour=strftime(now(), \"%H:%M\") | stats values(hour) as h"],
];

describe("runSplPipes", () => {
  const ds = webFixture();
  const opts = { tz: "America/Los_Angeles", nowMs: Date.parse("2017-08-23T20:45:00Z") };
  for (const [first, rest] of CASES) {
    it(`${first}${rest}`, () => {
      const whole = runSpl(ds, first + rest, opts);
      const head = runSpl(ds, first, opts);
      const { plan } = parseSpl(first + rest, opts);
      const before = { tz: splRuntime.tz, now: splRuntime.nowMs };
      const resumed = runSplPipes({ fields: head.fields, rows: head.results }, plan, 1, opts);
      expect(resumed).toEqual({ fields: whole.fields, results: whole.results });
      expect({ tz: splRuntime.tz, now: splRuntime.nowMs }).toEqual(before);
    });
  }

  it("the cases are not trivial: later pipes change the table", () => {
    expect(runSpl(ds, "* | stats count by host", opts).results.length).toBe(3);
    expect(runSpl(ds, CASES[0]![0] + CASES[0]![1], opts).results.length).toBe(2);
    expect(runSpl(ds, CASES[5]![0] + CASES[5]![1], opts).results).toEqual([{ h: "13:45" }]);
  });
});
