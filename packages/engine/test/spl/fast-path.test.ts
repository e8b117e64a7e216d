import { beforeAll, describe, expect, it } from "vitest";
import { runSpl } from "../../src/index.ts";
import { generated, type Generated } from "./generated.ts";

/** The typed-array fast paths give exactly what the general row executors give. */

let g: Generated;
beforeAll(() => {
  g = generated();
}, 120_000);

const QUERIES = [
  "index=botsv2 | stats count by host",
  "index=botsv2 | stats count by sourcetype",
  "index=botsv2 sourcetype=stream:tcp | stats count as n by dest_port",
  "index=botsv2 | stats count by process_exec | sort - count",
  "index=botsv2 | timechart span=1h count by sourcetype",
  "index=botsv2 | timechart span=1d count by host limit=3",
  "index=botsv2 | timechart span=30m count",
  "index=botsv2 | timechart count by user usenull=f useother=f",
  "index=botsv2 service3 | timechart count by process_exec",
  "index=botsv2 earliest=08/23/2017:00:00:00 latest=08/26/2017:00:00:00 | timechart count by sourcetype",
  "index=botsv2 sourcetype=stream:tcp | stats count dc(dest_ip) as dests values(dest_port) min(bytes) max(bytes) sum(bytes) earliest(_time) as first latest(_time) as last by src_ip",
  'ssl_issuer="C = US" index=botsv2 sourcetype=stream:tcp | stats count earliest(_time) as firstTime latest(_time) as lastTime by src_ip, dest_ip',
  "index=botsv2 | stats count values(sourcetype) dc(host) by host, sourcetype",
  "index=botsv2 sourcetype=pan:traffic | stats count(user) min(src_ip) max(app) avg(dest_port) by action",
  // The bench's questions, and group-bys over numeric columns (ports: the small-integer tables).
  "* | stats count by host",
  "* | stats count by src_ip, dest_port",
  "* | stats count by dest_port",
  "* | stats count sum(bytes) dc(src_ip) by dest_port",
  "* | stats count by src_ip, dest_port, host",
  "* | timechart span=1m limit=0 count by host",
  "* | timechart span=2h count by dest_port",
  "earliest=08/24/2017:00:00:00 latest=08/25/2017:00:00:00 | stats count by src_ip, dest_port",
];

describe("tstats over columns", () => {
  it("| tstats count dc(host) by sourcetype equals stats over the events", () => {
    const a = runSpl(g.ds, "| tstats count dc(host) as hosts where index=botsv2 by sourcetype");
    const b = runSpl(g.ds, "index=botsv2 | stats count dc(host) as hosts by sourcetype", { noFastPath: true });
    expect(a.results).toEqual(b.results);
    expect(a.results.reduce((n, r) => n + (r.count as number), 0)).toBe(g.manifest.files.reduce((n, f) => n + f.events, 0));
  });
});

describe("fast paths", () => {
  for (const q of QUERIES) {
    it(q, () => {
      for (const tz of ["UTC", "America/Los_Angeles"]) {
        const fast = runSpl(g.ds, q, { tz });
        const slow = runSpl(g.ds, q, { tz, noFastPath: true });
        expect(fast.fastPath).toBe(true);
        expect(slow.fastPath).toBe(false);
        expect(fast.fields).toEqual(slow.fields);
        expect(fast.results).toEqual(slow.results);
        expect(fast.results.length).toBeGreaterThan(0);
      }
    });
  }
});
