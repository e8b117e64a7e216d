/**
 * EQL sequences on ClickHouse in two phases (src/two-phase.ts): the first fetch carries only the
 * columns the matcher reads — no `_raw` — for the events of candidate join keys only
 * (src/candidate-keys.ts), the second fetches the shown events whole by `_seq`. Answers equal the
 * local engine's on one node and on a two-shard cluster, for join keys written as numbers in one
 * file and as text in every form the engine keys as the same number ("7", "007", "+7", " 7") or
 * not ("7.0", "7.5", "pid 7", "seven") in another.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, lowerEql, parseEql, runEql, type EqlOptions } from "@quarry/engine";
import { Connection, loadToClickHouse, planFields, runEqlRemote, type RemoteMode, type Target } from "../src/index.ts";
import { haveClickHouse, startNodeAndCluster, type NodeAndCluster } from "./server.ts";
import { comparable } from "./support.ts";

const BASE = Date.UTC(2024, 0, 1);
const TEXT_PIDS = ["7", "007", "+7", " 7", "7.0", "7.5", "pid 7", "seven", "8", "0008", "12"];

/** Events with numeric pids 1..40: only some pids have all of codes 1, 3 and 5 in time order. */
function numberFile(): string {
  const out: string[] = [];
  for (let i = 0; i < 900; i++) {
    const pid = 1 + (i % 40);
    // pids divisible by 4 see every code; the others only codes 1 and 3, or 1 and 5.
    const codes = pid % 4 === 0 ? [1, 3, 5] : pid % 4 === 1 ? [1, 3] : [1, 5];
    const code = codes[Math.floor(i / 40) % codes.length]!;
    out.push(JSON.stringify({ "@timestamp": new Date(BASE + i * 1000).toISOString(), pid, code, host: `h${i % 3}`, note: `event ${i} of ${pid}` }));
  }
  return out.join("\n") + "\n";
}

/** Events whose pid is text: stored as a text column in their own segment. */
function textFile(): string {
  const out: string[] = [];
  for (let i = 0; i < 330; i++) {
    const pid = TEXT_PIDS[i % TEXT_PIDS.length]!;
    // Values that might key as a whole number count for every key's stages: keep them to code 1,
    // or every key would be a candidate.
    const code = pid === "7.0" || pid === "7.5" ? 1 : [1, 3, 5][Math.floor(i / TEXT_PIDS.length) % 3]!;
    out.push(JSON.stringify({ "@timestamp": new Date(BASE + 450_000 + i * 700).toISOString(), pid, code, host: "t", note: `text ${i}` }));
  }
  return out.join("\n") + "\n";
}

const QUERIES: Array<{ q: string; opts: EqlOptions }> = [
  { q: "sequence by pid [any where code == 1] [any where code == 3] [any where code == 5]", opts: { size: 100 } },
  { q: "sequence by pid with maxspan=2m [any where code == 1] [any where code == 5]", opts: { size: 1000 } },
  { q: "sequence by pid [any where code == 1] ![any where code == 3] [any where code == 5]", opts: { size: 50 } },
  { q: "sequence by pid, host [any where code == 1] [any where code == 3] until [any where code == 5]", opts: { size: 50 } },
  { q: 'sequence by pid [any where code == 1] [any where code == 3] | tail 4', opts: {} },
  { q: "sample by pid [any where code == 3] [any where code == 5]", opts: { size: 100 } },
  { q: 'any where code == 5 and note : "text*"', opts: { size: 20 } },
];

describe.skipIf(!haveClickHouse)("EQL in two phases on ClickHouse", () => {
  let servers: NodeAndCluster;
  let dir: string;
  const local = new Dataset();
  const targets = (): Array<[string, Target]> => servers.targets("twophase");
  beforeAll(async () => {
    servers = await startNodeAndCluster();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-twophase-"));
    const files = [join(dir, "numbers.ndjson"), join(dir, "texts.ndjson")];
    writeFileSync(files[0]!, numberFile());
    writeFileSync(files[1]!, textFile());
    for (const f of files) ingestBytes(local, f.slice(dir.length + 1), readFileSync(f));
    for (const [, t] of targets()) {
      const res = await loadToClickHouse(t, files);
      expect(res.map((r) => r.error ?? r.status)).toEqual(["loaded", "loaded"]);
    }
  }, 240_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  for (const { q, opts } of QUERIES) {
    it(`${q} ${JSON.stringify(opts)}: equals the local answer`, async () => {
      const want = runEql(local, q, opts);
      expect((want.hits.sequences ?? want.hits.events ?? []).length).toBeGreaterThan(0);
      for (const [name, t] of targets()) {
        const calls: Array<{ sql: string; mode: RemoteMode }> = [];
        const got = await runEqlRemote(t, q, opts, { onSql: (sql, _p, mode) => calls.push({ sql, mode }) });
        expect({ name, got: comparable(got) }).toEqual({ name, got: comparable(want) });
        expect({ name, modes: calls.map((c) => c.mode) }).toEqual({ name, modes: ["match", "hits"] });
        // The matcher's fetch reads no raw text (the wildcard on `note` reads the note column, not `_raw`).
        expect(calls[0]!.sql).not.toContain("_raw");
        expect(calls[1]!.sql).toContain("_seq IN (");
      }
    }, 60_000);
  }

  it("the first phase of a sequence fetches only candidate keys' events, text and number keys grouped as the engine keys them", async () => {
    const q = QUERIES[0]!.q;
    let sql = "";
    await runEqlRemote(targets()[0]![1], q, { size: 100 }, { onSql: (s, _p, m) => m === "match" && (sql = s) });
    expect(sql).toContain("GLOBAL IN");
    const conn = new Connection(servers.single.url);
    try {
      const fetched = Number((await conn.rows<{ n: string }>(`SELECT count() AS n FROM (${sql})`))[0]?.n);
      // Every event has code 1, 3 or 5, so without the key filter all 1,230 would come back. Kept:
      // the 225 number events of pids 4, 8, …, 40 (every code), the 23 of number pid 7 (codes 1
      // and 5 only, but its text forms bring code 3), and all 330 text events (7-like, 8, 12 and
      // "seven" have every code; "7.0" and "7.5" might key as a whole number, so they are always kept).
      expect(fetched).toBe(225 + 23 + 330);
    } finally {
      await conn.close();
    }
    const local7 = runEql(local, q, { size: 100 }).hits.sequences!.filter((s) => String(s.join_keys[0]).trim().replace(/^\+?0*/, "") === "7");
    expect(local7.length).toBeGreaterThan(0);
  }, 60_000);

  it("planFields lists what a plan reads, and gives up on lineage", () => {
    const plan = (q: string) => lowerEql(parseEql(q), { dialect: "elastic", eventCategoryField: "event.category" });
    const f = planFields(plan('sequence by pid [process where process.name == "a"] [network where true] | head 3'))!;
    expect([...f.names].sort()).toEqual(["event.category", "pid", "process.name"]);
    expect(f.raw).toBe(false);
    expect(planFields(plan('process where descendant of [process where process.name == "cmd.exe"]'))).toBeNull();
  });
});
