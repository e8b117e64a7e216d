/**
 * Regression: a field that is a number in one file, text in another and multi-valued in a third
 * (event.category on Sysmon vs Suricata) once made the second load fail with a type conflict.
 * Each file now gets a column of the type it needs, and queries see every file as locally.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runEql, runSpl, splExportJson } from "@quarry/engine";
import { loadToClickHouse, runEqlRemote, runSplRemote, type Target } from "../src/index.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";
import { comparable } from "./support.ts";

const FILES: Record<string, string[]> = {
  "a.ndjson": ['{"@timestamp":"2024-01-01T00:00:01Z","x":1,"event":{"category":"process"},"id":1}', '{"@timestamp":"2024-01-01T00:00:02Z","x":2,"event":{"category":"process"},"id":2}'],
  "b.ndjson": ['{"@timestamp":"2024-01-01T00:00:03Z","x":"a","event":{"category":"network"},"id":3}', '{"@timestamp":"2024-01-01T00:00:04Z","x":"2","event":{"category":"network"},"id":4}'],
  "c.ndjson": ['{"@timestamp":"2024-01-01T00:00:05Z","x":["a","b"],"event":{"category":["network","process"]},"id":5}', '{"@timestamp":"2024-01-01T00:00:06Z","x":"z","event":{"category":"file"},"id":6}'],
};

describe.skipIf(!haveClickHouse)("fields whose kind differs between files", () => {
  let server: TestServer;
  let dir: string;
  const local = new Dataset();
  const target = (): Target => ({ url: server.url, dataset: "kinds" });
  beforeAll(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-data-"));
    for (const [name, lines] of Object.entries(FILES)) writeFileSync(join(dir, name), lines.join("\n") + "\n");
    for (const name of Object.keys(FILES)) {
      const res = await loadToClickHouse(target(), [join(dir, name)]);
      expect(res.map((r) => r.error ?? r.status)).toEqual(["loaded"]);
      ingestBytes(local, name, readFileSync(join(dir, name)));
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  for (const q of ['any where x == "a"', "any where x == 2", 'process where true', 'network where x : "*"', 'sequence [process where true] [network where x == "a"]']) {
    it(`EQL ${q}`, async () => {
      expect(comparable(await runEqlRemote(target(), q, { size: 100 }))).toEqual(comparable(runEql(local, q, { size: 100 })));
    });
  }
  for (const q of ["* | stats count by x", "x=a | stats count by event.category", "* | table id x"]) {
    it(`SPL ${q}`, async () => {
      expect(splExportJson(await runSplRemote(target(), q, { nowMs: 0 }))).toEqual(splExportJson(runSpl(local, q, { nowMs: 0 })));
    });
  }
});
