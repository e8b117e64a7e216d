/**
 * A two-shard cluster: two clickhouse-server processes, the dataset's events spread over a
 * local table on each and read through a `Distributed` table. Seed 000 (the EQL tutorial on the
 * regsvr32 data) and every seed 001 SPL search (on generated BOTSv2-style data) must print what
 * the local engine prints.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runEql, runSpl, splExportJson } from "@quarry/engine";
import { generateToDirectory } from "@quarry/datasets/node";
import { Connection, loadToClickHouse, runEqlRemote, runSplRemote, tables, type Target } from "../src/index.ts";
// The seed 001 searches, verbatim, as the engine's SPL tests keep them (one copy of the seed text).
import { SEED_001 } from "../../engine/test/spl/seed-001-queries.ts";
import { freePort, haveClickHouse, startServer, type TestServer } from "./server.ts";
import { SHARED, comparable, pathOf } from "./support.ts";

const REGSVR = pathOf(new URL("datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", SHARED));

const SEED_000 = [
  '\n any where process.name == "regsvr32.exe" \n ',
  'process where process.name == "regsvr32.exe" and process.command_line.keyword != null',
  'library where process.name == "regsvr32.exe" and dll.name == "scrobj.dll"',
  '\n sequence by process.pid\n [process where process.name == "regsvr32.exe"]\n [library where dll.name == "scrobj.dll"]\n [network where true]\n ',
];

describe.skipIf(!haveClickHouse)("two-shard Distributed cluster", () => {
  let a: TestServer;
  let b: TestServer;
  let dir: string;
  beforeAll(async () => {
    const ports = { aHttp: await freePort(), aTcp: await freePort(), bHttp: await freePort(), bTcp: await freePort() };
    const shards = [ports.aTcp, ports.bTcp];
    [a, b] = await Promise.all([
      startServer({ httpPort: ports.aHttp, tcpPort: ports.aTcp, shards }),
      startServer({ httpPort: ports.bHttp, tcpPort: ports.bTcp, shards }),
    ]);
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-data-"));
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const target = (dataset: string): Target => ({ url: a.url, dataset, cluster: { name: "quarry", shardUrls: [a.url, b.url] } });

  async function shardCounts(dataset: string): Promise<number[]> {
    const out: number[] = [];
    for (const s of [a, b]) {
      const conn = new Connection(s.url);
      const rows = await conn.rows<{ n: string }>(`SELECT count() AS n FROM ${tables(dataset).local}`);
      out.push(Number(rows[0]!.n));
      await conn.close();
    }
    return out;
  }

  it("seed 000: the EQL tutorial queries answer as locally, with events on both shards", async () => {
    const t = target("regsvr");
    expect((await loadToClickHouse(t, [REGSVR])).map((r) => r.error ?? r.status)).toEqual(["loaded"]);
    const counts = await shardCounts("regsvr");
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts[0]! + counts[1]!).toBe(150);
    const local = new Dataset();
    ingestBytes(local, "normalized-T1117-AtomicRed-regsvr32.json", readFileSync(REGSVR));
    for (const q of SEED_000) {
      for (const size of [10, 200]) {
        const want = runEql(local, q, { size });
        const got = await runEqlRemote(t, q, { size });
        expect(comparable(got)).toEqual(comparable(want));
      }
    }
    const seq = await runEqlRemote(t, SEED_000[3]!);
    expect(seq.hits.sequences?.map((s) => s.join_keys)).toEqual([[2012]]);
    const all = await runEqlRemote(t, SEED_000[0]!, { size: 200 });
    expect(all.hits.total.value).toBe(143);
  }, 120_000);

  it("seed 001: every SPL search on generated BOTSv2-style data prints what the local run prints", async () => {
    generateToDirectory(dir, { events: 20000, seed: "spl-001" });
    const files = readdirSync(dir).filter((f) => !f.endsWith(".json") || !f.startsWith("manifest")).sort();
    const t = target("botsv2");
    const results = await loadToClickHouse(t, files.map((f) => join(dir, f)));
    const local = new Dataset();
    for (const f of files) ingestBytes(local, f, readFileSync(join(dir, f)));
    expect(results.filter((r) => r.status === "loaded").reduce((n, r) => n + (r.summary?.events ?? 0), 0)).toBe(local.rowCount);
    const counts = await shardCounts("botsv2");
    expect(counts[0]! + counts[1]!).toBe(local.rowCount);
    expect(counts.every((n) => n > local.rowCount / 4)).toBe(true);
    const opts = { tz: "America/Los_Angeles", nowMs: Date.parse("2017-09-01T00:00:00Z") };
    let same = 0;
    for (const [name, q] of Object.entries(SEED_001)) {
      let want: unknown;
      try {
        want = splExportJson(runSpl(local, q, opts));
      } catch (e) {
        want = (e as Error).message;
      }
      let got: unknown;
      try {
        got = splExportJson(await runSplRemote(t, q, opts));
      } catch (e) {
        got = (e as Error).message;
      }
      expect({ name, got }).toEqual({ name, got: want });
      same++;
    }
    console.log(`seed 001 on a two-shard cluster: ${same}/${Object.keys(SEED_001).length} searches identical to the local run`);
  }, 300_000);
});
