/**
 * A text field compared with a whole number (`EventCode == 1` on XML events, whose values are
 * text) is filtered in ClickHouse by a superset (digit runs compared as numbers, every other text
 * kept) and narrowed by the local executor: answers equal the local engine's for text in every
 * numeric form the engine reads ("01", "+1", "1.0", "1e0", "0x1"), text that is no number, long
 * digit runs, multi-value fields and missing values, alone and as sequence stages.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runEql } from "@quarry/engine";
import { Connection, loadToClickHouse, runEqlRemote, type Pred, type Target } from "../src/index.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";
import { comparable } from "./support.ts";

const CODES = ["1", "01", "+1", "1.0", "1e0", "0x1", " 1", "1 ", "one", "", "10", "-1", "3", "0003", "100000000000001", "0100000000000001", "10000000000000001", "5"];
const BASE = Date.UTC(2024, 0, 1);

function lines(): string {
  const out: string[] = [];
  for (let i = 0; i < 240; i++) {
    const e: Record<string, unknown> = { "@timestamp": new Date(BASE + i * 1000).toISOString(), host: `h${i % 3}`, pid: 100 + (i % 5) };
    if (i % 11 !== 4) e.code = CODES[i % CODES.length];
    if (i % 7 === 0) e.codes = [CODES[i % CODES.length], CODES[(i + 3) % CODES.length]];
    out.push(JSON.stringify(e));
  }
  return out.join("\n") + "\n";
}

describe.skipIf(!haveClickHouse)("text fields against whole numbers", () => {
  let server: TestServer;
  let dir: string;
  const local = new Dataset();
  const target = (): Target => ({ url: server.url, dataset: "numtext" });
  beforeAll(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-numtext-"));
    writeFileSync(join(dir, "codes.ndjson"), lines());
    expect((await loadToClickHouse(target(), [join(dir, "codes.ndjson")])).map((r) => r.error ?? r.status)).toEqual(["loaded"]);
    ingestBytes(local, "codes.ndjson", readFileSync(join(dir, "codes.ndjson")));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const QUERIES = [
    "any where code == 1",
    "any where code == 3",
    "any where code == -1",
    "any where code == 10",
    "any where code == 100000000000001",
    "any where codes == 1",
    "any where code == 1 and host == \"h1\"",
    "sequence by pid with maxspan=1m [any where code == 1] [any where code == 3] [any where code == 5]",
  ];
  it("a number of 16 digits or more is not pushed down (its text forms may read differently in SQL); the answer is still the local one", async () => {
    const q = "any where code == 10000000000000001";
    let pred: Pred | null | undefined;
    const remote = await runEqlRemote(target(), q, { size: 1000 }, { onSql: (_s, p) => (pred = p) });
    expect(comparable(remote)).toEqual(comparable(runEql(local, q, { size: 1000 })));
    expect(pred).toBeNull();
  });

  for (const q of QUERIES) {
    it(`EQL ${q}: pushed down as a superset, answer as locally`, async () => {
      let pred: Pred | null = null;
      let sql = "";
      const remote = await runEqlRemote(target(), q, { size: 1000 }, { onSql: (s, p, m) => m !== "hits" && ((sql = s), (pred = p)) });
      const want = runEql(local, q, { size: 1000 });
      expect(comparable(remote)).toEqual(comparable(want));
      const p = pred as Pred | null;
      expect(p?.sql).toContain("toFloat64OrNull");
      expect(p?.exact).toBe(false);
      // The questions must select something and the SQL must leave events out, or this would prove little.
      expect((want.hits.events ?? want.hits.sequences ?? []).length).toBeGreaterThan(0);
      const conn = new Connection(server.url);
      const fetched = Number((await conn.rows<{ n: string }>(`SELECT count() AS n FROM (${sql})`))[0]?.n);
      await conn.close();
      expect(fetched).toBeLessThan(240);
    });
  }
});
