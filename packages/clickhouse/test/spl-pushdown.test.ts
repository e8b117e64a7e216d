/**
 * SPL `stats` pushed down into ClickHouse (one GROUP BY, only groups come back) prints what the
 * local engine prints; searches it cannot express exactly take the event-streaming path and
 * still agree. Data: generated BOTSv2-style files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runSpl, splExportJson } from "@quarry/engine";
import { generateToDirectory } from "@quarry/datasets/node";
import { loadToClickHouse, runSplRemote, type Target } from "../src/index.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";

const QUERIES: Array<{ q: string; pushed: boolean }> = [
  { q: "index=botsv2 | stats count by sourcetype", pushed: true },
  { q: "* | stats count", pushed: true },
  { q: "sourcetype=stream:tcp | stats count dc(dest_ip) by src_ip", pushed: true },
  { q: "sourcetype=stream:tcp | stats count(dest_port) as n, dc(src_ip) by dest_ip, dest_port", pushed: true },
  { q: "sourcetype=pan:traffic | stats sum(bytes_in) avg(bytes_in) min(bytes_in) max(bytes_in) by dest_port", pushed: true },
  { q: "sourcetype=pan:traffic action=allowed | stats max(dest_port) as top by src_ip", pushed: true },
  { q: 'sourcetype="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 | stats count by host, Image', pushed: true },
  { q: "host=nosuchhost | stats count", pushed: true },
  { q: "host=nosuchhost | stats count by host", pushed: true },
  // Later pipes run locally on the groups that came back.
  { q: "sourcetype=stream:tcp | stats count by src_ip | sort - count | head 3", pushed: true },
  { q: "sourcetype=pan:traffic | stats avg(bytes_in) as a, count by dest_port | where count > 20 | eval a=round(a) | sort - a", pushed: true },
  { q: "index=botsv2 | stats dc(src_ip) as n by sourcetype | rename n as sources | fields sourcetype sources | head 5", pushed: true },
  { q: "host=nosuchhost | stats count | eval empty=if(count == 0, \"yes\", \"no\")", pushed: true },
  // Not exact in SQL (term search, eval, values(), fractions): streamed and run locally.
  { q: "index=botsv2 service3 | stats count by dest_port", pushed: false },
  { q: "sourcetype=stream:tcp | stats values(dest_ip) as d by src_ip", pushed: false },
  { q: "sourcetype=bro:conn | stats sum(duration) by dest_port | sort - dest_port", pushed: false },
  { q: "sourcetype=pan:traffic | eval kb=bytes_in/1024 | stats avg(kb) by dest_port", pushed: false },
  // top and timechart have their own pushdowns (test/pipe-pushdown.test.ts); with an eval first they stream.
  { q: "sourcetype=stream:tcp | eval d=dest_ip | top limit=5 d", pushed: false },
  { q: "sourcetype=pan:traffic | eval a=action | timechart span=1d count by a", pushed: false },
];

describe.skipIf(!haveClickHouse)("SPL stats pushdown", () => {
  let server: TestServer;
  let dir: string;
  let local: Dataset;
  const target = (): Target => ({ url: server.url, dataset: "bots" });
  beforeAll(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-data-"));
    generateToDirectory(dir, { events: 8000, seed: "pushdown" });
    const files = readdirSync(dir).filter((f) => !f.startsWith("manifest")).sort();
    local = new Dataset();
    for (const f of files) ingestBytes(local, f, readFileSync(join(dir, f)));
    const res = await loadToClickHouse(target(), files.map((f) => join(dir, f)));
    expect(res.filter((r) => r.status !== "loaded").map((r) => `${r.file}: ${r.status} ${r.error ?? ""}`)).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  for (const { q, pushed } of QUERIES) {
    it(`${pushed ? "in ClickHouse" : "streamed"}: ${q}`, async () => {
      const opts = { tz: "America/Los_Angeles", nowMs: Date.parse("2017-09-01T00:00:00Z") };
      const want = splExportJson(runSpl(local, q, opts));
      const modes: string[] = [];
      const got = splExportJson(await runSplRemote(target(), q, opts, { onSql: (_sql, _pred, mode) => modes.push(mode) }));
      expect(got).toEqual(want);
      expect(modes).toEqual([pushed ? "stats" : "events"]);
    }, 30_000);
  }

  it("the grouped answers are not trivially empty", () => {
    const r = runSpl(local, QUERIES[4]!.q, {});
    expect(r.results.length).toBeGreaterThan(1);
    const filtered = runSpl(local, "sourcetype=pan:traffic | stats avg(bytes_in) as a, count by dest_port | where count > 20 | eval a=round(a) | sort - a", {}).results;
    expect(filtered.length).toBeGreaterThan(1);
    expect(filtered.length).toBeLessThan(runSpl(local, "sourcetype=pan:traffic | stats count by dest_port", {}).results.length);
  });
});
