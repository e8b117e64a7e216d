/**
 * EQL event queries cut in ClickHouse: the first `size` events (or `| head N`) by timestamp,
 * tiebreaker and seq come back with `ORDER BY … LIMIT` — with `| tail N`, the last min(N, size)
 * by `ORDER BY … DESC LIMIT` — and the response equals the local engine's, on one node and on a
 * two-shard `Distributed` cluster.
 * Data: NDJSON written here with numeric `@timestamp`s full of ties, events without a timestamp,
 * and a second file with no `@timestamp` field at all (those events order by ingest time); and
 * the regsvr32 data with FILETIME `@timestamp`s.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runEql, type EqlOptions } from "@quarry/engine";
import { loadToClickHouse, runEqlRemote, type RemoteMode, type Target } from "../src/index.ts";
import { haveClickHouse, startNodeAndCluster, type NodeAndCluster } from "./server.ts";
import { SHARED, comparable, pathOf } from "./support.ts";

const BASE = 1_500_000_000_000;
const NAMES = ["cmd.exe", "powershell.exe", "regsvr32.exe", "svchost.exe"];
const CATS = ["process", "network", "file"];

/** 600 events: timestamps in 40 distinct seconds (ties everywhere), every 37th without one, a numeric `rank` tiebreaker. */
function eventsFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    const e: Record<string, unknown> = {
      event: { category: CATS[i % 3] },
      process: { name: NAMES[(i * 7) % 4], pid: 100 + (i % 13) },
      rank: (i * 31) % 17,
    };
    if (i % 37 !== 5) e["@timestamp"] = BASE + ((i * 7919) % 40) * 1000;
    lines.push(JSON.stringify(e));
  }
  return lines.join("\n") + "\n";
}

/** A second source whose events have their own time field, not `@timestamp`. */
function otherFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 80; i++) {
    lines.push(JSON.stringify({ time: new Date(BASE + ((i * 13) % 45) * 1000).toISOString(), event: { category: "process" }, process: { name: NAMES[i % 4] } }));
  }
  return lines.join("\n") + "\n";
}

const CASES: Array<{ q: string; opts: EqlOptions; mode: RemoteMode }> = [
  { q: 'process where process.name == "cmd.exe"', opts: {}, mode: "head" },
  { q: 'process where process.name == "cmd.exe"', opts: { size: 37 }, mode: "head" },
  { q: "any where true", opts: { size: 100 }, mode: "head" },
  { q: "any where true", opts: { size: 5, tiebreakerField: "rank" }, mode: "head" },
  { q: "network where process.pid > 105 | head 4", opts: { size: 10 }, mode: "head" },
  { q: "network where process.pid > 105 | head 40", opts: { size: 12 }, mode: "head" },
  { q: 'file where process.name != "svchost.exe"', opts: { size: 1000 }, mode: "head" },
  { q: 'process where process.name == "nothing.exe"', opts: {}, mode: "head" },
  { q: "process where true | tail 3", opts: {}, mode: "tail" },
  { q: "any where true | tail 7", opts: { size: 5 }, mode: "tail" },
  { q: "any where true | tail 50", opts: { size: 100, tiebreakerField: "rank" }, mode: "tail" },
  { q: "any where true | tail 9", opts: { size: 9, tiebreakerField: "rank" }, mode: "tail" },
  { q: "network where process.pid > 105 | tail 4", opts: { size: 10 }, mode: "tail" },
  { q: 'file where process.name != "svchost.exe" | tail 1000', opts: { size: 1000 }, mode: "tail" },
  { q: 'process where process.name == "nothing.exe" | tail 2', opts: {}, mode: "tail" },
  // Not cut: a text timestamp field is parsed by the engine; size 0 (the total alone); a text tiebreaker is ranked by the engine; a sequence needs every stage event; two pipes.
  { q: "process where true", opts: { size: 8, timestampField: "time" }, mode: "match" },
  { q: "process where true | tail 3", opts: { size: 8, timestampField: "time" }, mode: "match" },
  { q: "any where true", opts: { size: 5, tiebreakerField: "process.name" }, mode: "match" },
  { q: "any where true | tail 5", opts: { tiebreakerField: "process.name" }, mode: "match" },
  { q: "sequence by process.pid [process where true] [network where true]", opts: {}, mode: "match" },
  { q: "sequence by process.pid [process where true] [network where true] | tail 2", opts: {}, mode: "match" },
  { q: "process where true | head 20 | tail 3", opts: {}, mode: "match" },
  { q: 'process where process.name == "cmd.exe"', opts: { size: 0 }, mode: "match" },
  { q: 'process where process.name == "cmd.exe" | tail 4', opts: { size: 0 }, mode: "match" },
];

describe.skipIf(!haveClickHouse)("EQL size / head cut in ClickHouse: one node and a two-shard cluster", () => {
  let servers: NodeAndCluster;
  let dir: string;
  const local = new Dataset();
  const regsvr = new Dataset();
  const REGSVR = pathOf(new URL("datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", SHARED));
  const targets = (name: string): Array<[string, Target]> => servers.targets(name);
  beforeAll(async () => {
    servers = await startNodeAndCluster();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-eql-"));
    const files = [join(dir, "events.ndjson"), join(dir, "other.ndjson")];
    writeFileSync(files[0]!, eventsFile());
    writeFileSync(files[1]!, otherFile());
    for (const f of files) ingestBytes(local, f.slice(dir.length + 1), readFileSync(f));
    ingestBytes(regsvr, "normalized-T1117-AtomicRed-regsvr32.json", readFileSync(REGSVR));
    for (const [, t] of [...targets("synthetic"), ...targets("regsvr")]) {
      const res = await loadToClickHouse(t, t.dataset === "regsvr" ? [REGSVR] : files);
      expect(res.map((r) => r.error ?? r.status)).toEqual(res.map(() => "loaded"));
    }
  }, 240_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  for (const { q, opts, mode } of CASES) {
    it(`${mode}: ${q} ${JSON.stringify(opts)}`, async () => {
      const want = runEql(local, q, opts);
      for (const [name, t] of targets("synthetic")) {
        const modes: RemoteMode[] = [];
        const sqls: string[] = [];
        const got = await runEqlRemote(t, q, opts, { onSql: (sql, _pred, m) => (modes.push(m), sqls.push(sql)) });
        expect({ name, got: comparable(got) }).toEqual({ name, got: comparable(want) });
        // A two-phase run reports its narrow fetch, then one fetch of the shown events (none when nothing is shown).
        const shown = (got.hits.events ?? got.hits.sequences ?? []).length;
        expect({ name, modes }).toEqual({ name, modes: mode === "match" && shown > 0 ? ["match", "hits"] : [mode] });
        if (mode === "match") expect(sqls[0]).not.toMatch(/_raw/);
        if (mode === "head") expect(sqls[0]).toMatch(/ _seq LIMIT \d+\)/);
        if (mode === "tail") expect(sqls[0]).toMatch(/ _seq DESC LIMIT \d+\)/);
      }
    }, 60_000);
  }

  it("the synthetic answers are not trivial: ties, a total beyond size, events from both files", () => {
    const r = runEql(local, "any where true", { size: 100 });
    // The total stops at size (the engine stops early, as the local run does), so count the matches with a larger size.
    expect(r.hits.total.value).toBe(100);
    expect(runEql(local, "any where true", { size: 5000 }).hits.total.value).toBe(680 - 17);
    expect(r.hits.events?.length).toBe(100);
    const cmd = runEql(local, 'process where process.name == "cmd.exe"', { size: 1000 });
    expect(cmd.hits.events?.some((e) => "_source" in e && !("@timestamp" in e._source))).toBe(true);
    // tail keeps the end: its events differ from head's, and size cuts it further.
    const ids = (res: ReturnType<typeof runEql>) => (res.hits.events ?? []).map((e) => ("_id" in e ? e._id : ""));
    const tail = runEql(local, "any where true | tail 7", { size: 5 });
    expect(tail.hits.total.value).toBe(5);
    expect(ids(tail)).toEqual(ids(runEql(local, "any where true | tail 5", { size: 100 })));
    expect(ids(tail)).not.toEqual(ids(runEql(local, "any where true | head 5", { size: 100 })));
    expect(ids(runEql(local, "any where true | tail 50", { size: 100, tiebreakerField: "rank" }))).not.toEqual(ids(runEql(local, "any where true | tail 50", { size: 100 })));
  });

  it("FILETIME @timestamps (regsvr32 data, numbers near 1.3e17) cut the same way, from either end", async () => {
    for (const [q, mode] of [['process where process.name == "regsvr32.exe"', "head"], ['process where process.name == "regsvr32.exe" | tail 2', "tail"]] as const) {
      const want = runEql(regsvr, q, { size: 3 });
      expect(want.hits.events?.length).toBeGreaterThan(0);
      for (const [name, t] of targets("regsvr")) {
        const modes: RemoteMode[] = [];
        const got = await runEqlRemote(t, q, { size: 3 }, { onSql: (_s, _p, m) => modes.push(m) });
        expect({ name, got: comparable(got), modes }).toEqual({ name, got: comparable(want), modes: [mode] });
      }
    }
  }, 60_000);
});
