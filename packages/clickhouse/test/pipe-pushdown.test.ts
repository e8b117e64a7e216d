/**
 * Pipes pushed into ClickHouse beyond `stats`: each query runs on the local engine and on
 * ClickHouse — one node and a two-shard `Distributed` cluster — and must print the same JSON;
 * the run must also report the mode that did the work in SQL (and, for cuts, fetch only the kept
 * events; for aggregations, only the groups: the pipes after the pushed one run locally on them). Data: generated BOTSv2-style files (many events share a timestamp, so the (time, seq)
 * tie order is exercised).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, parseSpl, runSpl, splExportJson } from "@quarry/engine";
import { generateToDirectory } from "@quarry/datasets/node";
import { eventReduction, fetchForPlan, loadToClickHouse, runSplRemote, type RemoteMode, type Target } from "../src/index.ts";
import { haveClickHouse, startNodeAndCluster, type NodeAndCluster } from "./server.ts";

/** Query, the mode that must do the work, and (for cuts) how many events may come back at most. */
const QUERIES: Array<{ q: string; mode: RemoteMode; fetched?: number }> = [
  { q: "sourcetype=stream:tcp | head 7", mode: "head", fetched: 7 },
  { q: "* | head 25 | table _time, sourcetype, src_ip", mode: "head", fetched: 25 },
  { q: "sourcetype=pan:traffic action=allowed | head 40 | stats count by dest_port", mode: "head", fetched: 40 },
  { q: "index=botsv2 | head", mode: "head", fetched: 10 },
  { q: "sourcetype=stream:tcp | tail 9", mode: "tail", fetched: 9 },
  { q: "host=nosuchhost | head 3", mode: "head", fetched: 0 },
  { q: "sourcetype=pan:traffic | sort - bytes_in | head 12", mode: "sort", fetched: 12 },
  { q: "sourcetype=pan:traffic | sort 20 dest_port, -bytes_in | table dest_port bytes_in _time", mode: "sort", fetched: 20 },
  { q: "index=botsv2 | sort 15 + bytes_in | table bytes_in sourcetype", mode: "sort", fetched: 15 },
  { q: "sourcetype=stream:tcp | dedup src_ip", mode: "dedup" },
  { q: "* | dedup sourcetype host | table sourcetype host _time", mode: "dedup" },
  { q: "index=botsv2 | dedup keepempty=true src_ip | head 50", mode: "dedup" },
  { q: "sourcetype=pan:traffic | dedup dest_port action | sort dest_port action", mode: "dedup" },
  { q: "sourcetype=stream:tcp | top limit=5 dest_ip", mode: "top" },
  { q: "index=botsv2 | top sourcetype", mode: "top" },
  { q: "sourcetype=pan:traffic | top limit=3 dest_port by action", mode: "top" },
  { q: "sourcetype=stream:tcp | rare limit=4 src_ip showperc=false countfield=n", mode: "top" },
  { q: "sourcetype=pan:traffic | rare action src_ip limit=0", mode: "top" },
  { q: "host=nosuchhost | top host", mode: "top" },
  { q: "sourcetype=pan:traffic | timechart span=1d count by action", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1h count", mode: "timechart" },
  { q: "index=botsv2 | timechart count by sourcetype", mode: "timechart" },
  { q: "index=botsv2 | timechart span=30m count by src_ip limit=3", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1w count by src_ip useother=false usenull=false", mode: "timechart" },
  { q: "sourcetype=stream:tcp | timechart span=7m count by dest_port", mode: "timechart" },
  { q: "sourcetype=stream:tcp earliest=08/20/2017:00:00:00 latest=08/25/2017:00:00:00 | timechart span=1d count", mode: "timechart" },
  { q: "sourcetype=pan:traffic | chart count over dest_port by action", mode: "chart" },
  { q: "index=botsv2 | chart count over sourcetype by host", mode: "chart" },
  { q: "index=botsv2 | chart count over sourcetype by src_ip limit=2 useother=true", mode: "chart" },
  { q: "index=botsv2 | chart count over host by src_ip usenull=false limit=0", mode: "chart" },
  { q: "sourcetype=stream:tcp | chart count over dest_port", mode: "chart" },
  { q: "sourcetype=stream:tcp | chart count by src_ip", mode: "chart" },
  // Other aggregations per cell, several in one pipe; OTHER of avg/dc aggregated in SQL over the series left out.
  { q: "sourcetype=pan:traffic | timechart span=1h avg(bytes_in) by action", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1h avg(bytes_in) by sourcetype", mode: "timechart" },
  { q: "sourcetype=pan:traffic | timechart span=30m sum(bytes) by src_ip limit=3", mode: "timechart" },
  { q: "sourcetype=stream:tcp | timechart span=1h avg(bytes_in) by src_ip limit=2", mode: "timechart" },
  { q: "sourcetype=stream:tcp | timechart span=2h dc(dest_ip) by src_ip limit=3", mode: "timechart" },
  { q: "index=botsv2 | timechart span=3h dc(src_ip) by src_ip limit=3", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1h avg(bytes_in) by src_ip limit=3", mode: "timechart" },
  { q: "index=botsv2 | timechart count, dc(src_ip)", mode: "timechart" },
  { q: "sourcetype=pan:traffic | timechart span=1d count, avg(bytes_in) by action", mode: "timechart" },
  { q: "sourcetype=pan:traffic | timechart span=45m max(bytes_in), min(bytes_out) by action limit=1", mode: "timechart" },
  { q: "sourcetype=pan:traffic | timechart span=1h min(bytes_in) max(bytes_out) count(dest_port)", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1h sum(bytes_in) by src_ip useother=false usenull=false limit=4", mode: "timechart" },
  { q: "sourcetype=stream:tcp | timechart span=1h dc(src_ip) by dest_port limit=3", mode: "timechart" },
  { q: "sourcetype=pan:traffic | timechart span=1d avg(bytes_in) as avgin by action", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1mon count by sourcetype", mode: "timechart" },
  { q: "sourcetype=stream:tcp earliest=08/20/2017:00:00:00 latest=08/25/2017:00:00:00 | timechart span=6h avg(bytes_in) by src_ip limit=2", mode: "timechart" },
  { q: "sourcetype=pan:traffic | chart avg(bytes_in) over dest_port by action", mode: "chart" },
  { q: "sourcetype=stream:tcp | chart sum(bytes) over src_ip by dest_port limit=3", mode: "chart" },
  { q: "sourcetype=stream:tcp | chart dc(dest_ip) over src_ip by dest_port limit=2", mode: "chart" },
  { q: "index=botsv2 | chart count, avg(bytes_in) over sourcetype", mode: "chart" },
  { q: "index=botsv2 | chart max(bytes_out) min(bytes_in) over sourcetype by src_ip limit=2 usenull=false", mode: "chart" },
  { q: "index=botsv2 | chart count over sourcetype by src_ip limit=2 usenull=false", mode: "chart" },
  { q: "sourcetype=pan:traffic | chart count(dest_port) as n, sum(bytes_in) over action by src_ip limit=3", mode: "chart" },
  { q: "sourcetype=pan:traffic | chart avg(bytes_in) over action by src_ip limit=3 useother=false", mode: "chart" },
  { q: "host=nosuchhost | chart avg(bytes) over host", mode: "chart" },
  // The pushed aggregation, then the rest of the pipeline locally on the groups.
  { q: "sourcetype=stream:tcp | stats count by src_ip | sort - count | head 10", mode: "stats" },
  { q: "index=botsv2 | stats count by sourcetype | where count > 500", mode: "stats" },
  { q: "sourcetype=pan:traffic | stats sum(bytes_in) as b by dest_port | eval kb=round(b/1024, 1) | rename dest_port as port | table port kb", mode: "stats" },
  { q: "sourcetype=stream:tcp | stats count by src_ip | stats count", mode: "stats" },
  { q: "sourcetype=stream:tcp | top limit=5 dest_ip | fields - percent", mode: "top" },
  { q: "sourcetype=pan:traffic | rare limit=3 dest_port by action | sort count | head 4", mode: "top" },
  { q: "sourcetype=pan:traffic | chart count over dest_port by action | sort - allowed | head 3", mode: "chart" },
  { q: "index=botsv2 | timechart span=1d avg(bytes_in) | eval kb=round('avg(bytes_in)'/1024, 2)", mode: "timechart" },
  { q: "index=botsv2 | timechart span=1h count by src_ip limit=5 | untable _time src_ip count | where count > 3", mode: "timechart" },
  { q: "sourcetype=pan:traffic | timechart span=1h count by action | addtotals", mode: "timechart" },
  // Not in SQL: a term search is only a SQL superset, a consecutive dedup needs every event.
  { q: "index=botsv2 service3 | head 5", mode: "events" },
  { q: "sourcetype=stream:tcp | dedup consecutive=true dest_port | head 20", mode: "events" },
  { q: "sourcetype=stream:tcp | sort 5 src_ip", mode: "events" },
  // No exact SQL form: fractional values (may add up differently), median, values(), a BY field typed differently per sourcetype, an eval first.
  { q: "sourcetype=bro:conn | timechart span=1h avg(duration)", mode: "events" },
  { q: "sourcetype=bro:conn | chart sum(duration) over dest_port", mode: "events" },
  { q: "sourcetype=stream:tcp | timechart span=1h median(bytes_in)", mode: "events" },
  { q: "sourcetype=stream:tcp | chart values(dest_ip) over src_ip", mode: "events" },
  { q: "index=botsv2 | timechart span=1w dc(dest_port) by sourcetype limit=4", mode: "events" },
  { q: "sourcetype=pan:traffic | eval b=bytes_in | timechart span=1h avg(b) | where 'avg(b)' > 1000", mode: "events" },
];

const OPTS = { tz: "America/Los_Angeles", nowMs: Date.parse("2017-09-01T00:00:00Z") };

describe.skipIf(!haveClickHouse)("pipe pushdown: one node and a two-shard cluster", () => {
  let servers: NodeAndCluster;
  let dir: string;
  let local: Dataset;
  const targets = (): Array<[string, Target]> => servers.targets("bots");
  beforeAll(async () => {
    servers = await startNodeAndCluster();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-data-"));
    generateToDirectory(dir, { events: 6000, seed: "pipe-pushdown" });
    const files = readdirSync(dir).filter((f) => !f.startsWith("manifest")).sort();
    local = new Dataset();
    for (const f of files) ingestBytes(local, f, readFileSync(join(dir, f)));
    for (const [, t] of targets()) {
      const res = await loadToClickHouse(t, files.map((f) => join(dir, f)));
      expect(res.filter((r) => r.status !== "loaded").map((r) => `${r.file}: ${r.status} ${r.error ?? ""}`)).toEqual([]);
    }
  }, 240_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  for (const { q, mode, fetched } of QUERIES) {
    it(`${mode}: ${q}`, async () => {
      const want = runSpl(local, q, OPTS);
      for (const [name, t] of targets()) {
        const modes: RemoteMode[] = [];
        const got = await runSplRemote(t, q, OPTS, { onSql: (_sql, _pred, m) => modes.push(m) });
        expect({ name, out: splExportJson(got) }).toEqual({ name, out: splExportJson(want) });
        expect({ name, typed: got.results }).toEqual({ name, typed: want.results });
        expect({ name, scanned: got.scanned }).toEqual({ name, scanned: want.scanned });
        expect({ name, modes }).toEqual({ name, modes: [mode] });
        if (fetched !== undefined) {
          const { plan } = parseSpl(q, OPTS);
          const { dataset } = await fetchForPlan(t, plan, {}, (pred, ctx) => eventReduction(plan, pred, ctx));
          expect({ name, rows: dataset.rowCount }).toEqual({ name, rows: fetched });
        }
      }
    }, 60_000);
  }

  it("the answers are not trivially empty: timechart buckets, OTHER and a time range; top ties and groups; dedup drops events", () => {
    const tc = runSpl(local, "index=botsv2 | timechart span=30m count by src_ip limit=3", OPTS);
    expect(tc.results.length).toBeGreaterThan(10);
    expect(tc.fields).toContain("OTHER");
    expect(runSpl(local, "sourcetype=stream:tcp | timechart span=7m count by dest_port", OPTS).fields.length).toBeGreaterThan(3);
    const chart = runSpl(local, "index=botsv2 | chart count over sourcetype by src_ip limit=2 useother=true", OPTS);
    expect(chart.fields).toContain("OTHER");
    expect(chart.fields).toContain("NULL");
    const ranged = runSpl(local, "sourcetype=stream:tcp earliest=08/20/2017:00:00:00 latest=08/25/2017:00:00:00 | timechart span=1d count", OPTS).results;
    expect(ranged.length).toBe(5);
    expect(ranged.some((r) => Number(r.count) > 0)).toBe(true);
    const top = runSpl(local, "sourcetype=pan:traffic | rare action src_ip limit=0", OPTS).results;
    expect(new Set(top.map((r) => r.count)).size).toBeLessThan(top.length);
    expect(runSpl(local, "sourcetype=pan:traffic | top limit=3 dest_port by action", OPTS).results.length).toBeGreaterThan(3);
    expect(runSpl(local, QUERIES[0]!.q, OPTS).results.length).toBe(7);
    const all = runSpl(local, "sourcetype=stream:tcp", OPTS).results.length;
    const dedup = runSpl(local, QUERIES[6]!.q, OPTS).results.length;
    expect(dedup).toBeGreaterThan(1);
    expect(dedup).toBeLessThan(all);
  });

  it("the new aggregations are not trivial: OTHER of dc/avg is not a sum of the series left out, several aggregations name their columns, empty cells", () => {
    // With limit=0 every series has its column: OTHER (limit=3) must differ from adding up the left-out ones somewhere.
    const otherVsSum = (q: string, agg: string) => {
      const cut = runSpl(local, `${q} limit=3`, OPTS);
      const all = runSpl(local, `${q} limit=0`, OPTS);
      const kept = new Set(cut.fields.filter((f) => f !== "_time" && f !== "OTHER"));
      expect(cut.fields).toContain("OTHER");
      let differs = 0;
      cut.results.forEach((row, i) => {
        const left = all.fields.filter((f) => f !== "_time" && !kept.has(f)).map((f) => Number(all.results[i]![f] ?? 0));
        const sum = left.reduce((x, y) => x + y, 0);
        if (row.OTHER !== undefined && Number(row.OTHER) !== sum) differs++;
      });
      expect({ agg, differs: differs > 0 }).toEqual({ agg, differs: true });
    };
    otherVsSum("sourcetype=stream:tcp | timechart span=2h dc(dest_ip) by src_ip", "dc");
    otherVsSum("sourcetype=stream:tcp | timechart span=1h avg(bytes_in) by src_ip", "avg");
    const multi = runSpl(local, "sourcetype=pan:traffic | timechart span=1d count, avg(bytes_in) by action", OPTS);
    expect(multi.fields).toEqual(["_time", "count: allowed", "count: blocked", "avg(bytes_in): allowed", "avg(bytes_in): blocked"]);
    const sparse = runSpl(local, "sourcetype=pan:traffic | timechart span=1h avg(bytes_in) by action", OPTS).results;
    expect(sparse.some((r) => r.allowed === undefined)).toBe(true);
    expect(sparse.some((r) => typeof r.allowed === "number" && !Number.isInteger(r.allowed))).toBe(true);
    const nulls = runSpl(local, "index=botsv2 | chart max(bytes_out) min(bytes_in) over sourcetype by src_ip limit=2 usenull=false", OPTS).results;
    expect(nulls.some((r) => Object.keys(r).length === 1)).toBe(true);
    expect(runSpl(local, "sourcetype=bro:conn | timechart span=1h avg(duration)", OPTS).results.some((r) => !Number.isInteger(Number(r["avg(duration)"] ?? 0)))).toBe(true);
  });
});
