/**
 * The Native-format loader keeps every value: events whose `_raw` is not ASCII (so character and
 * byte offsets of slice columns differ), texts longer than 16 KB (three-byte length prefixes),
 * near-unique texts stored as slices of `_raw`, JSON escapes (values not verbatim in `_raw`),
 * numbers in a text column, multi-value fields, events without a time, before 1970 and with
 * sub-millisecond times, and blocks smaller than a segment. Every event comes back as the local
 * engine holds it, in the same order.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runEql, runSpl, splExportJson } from "@quarry/engine";
import { Connection, loadToClickHouse, runEqlRemote, runSplRemote, type Target } from "../src/index.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";
import { comparable } from "./support.ts";

const WORDS = ["grüße", "日本語", "emoji 😀", "plain", 'quote " and \\ backslash', "tab\there"];

function first(): string {
  const out: string[] = [];
  for (let i = 0; i < 700; i++) {
    const e: Record<string, unknown> = {
      // A unique id repeated verbatim in _raw: stored as a slice column
      // (every 50th with a quote, so not verbatim in _raw; every 9th with a non-ASCII letter).
      uid: `session-${(i * 7919).toString(36)}-${i}${i % 50 === 0 ? '-"q"' : ""}${i % 9 === 0 ? "-ü" : ""}-tail`,
      msg: WORDS[i % WORDS.length],
      n: i % 13 === 0 ? null : i * 1.5,
      tags: i % 5 === 0 ? [] : i % 5 === 1 ? ["a"] : ["a", WORDS[i % WORDS.length], `t${i % 7}`],
      host: `h${i % 4}`,
    };
    if (i % 17 === 3) e.big = "x".repeat(17_000 + i);
    if (i % 23 !== 7) e["@timestamp"] = i % 29 === 0 ? -86_400_000 * (1 + (i % 3)) + 0.25 : Date.UTC(2024, 0, 1) + i * 1000 + (i % 3) * 0.125;
    out.push(JSON.stringify(e));
  }
  return out.join("\n") + "\n";
}

/** A second file where `n` is text: the field gets a text column for this file's segment. */
function second(): string {
  return ['{"@timestamp":1704067200000,"n":"7","uid":"v1","msg":"second"}', '{"@timestamp":1704067201000,"n":"eight","uid":"v2","msg":"second"}'].join("\n") + "\n";
}

describe.skipIf(!haveClickHouse)("Native loading keeps every value", () => {
  let server: TestServer;
  let dir: string;
  const local = new Dataset();
  const target = (): Target => ({ url: server.url, dataset: "native" });
  beforeAll(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-native-"));
    writeFileSync(join(dir, "first.ndjson"), first());
    writeFileSync(join(dir, "second.ndjson"), second());
    const files = [join(dir, "first.ndjson"), join(dir, "second.ndjson")];
    // Blocks of 64 rows: many blocks per segment, and squashing of the small ones.
    expect((await loadToClickHouse(target(), files, { batchRows: 64 })).map((r) => r.error ?? r.status)).toEqual(["loaded", "loaded"]);
    for (const f of files) ingestBytes(local, f.split("/").pop()!, readFileSync(f));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("the data exercises what it should: slice columns, non-ASCII _raw, long texts, mixed kinds", () => {
    const kinds = new Set(local.segments.flatMap((s) => [...s.columns.values()].map((c) => c.kind)));
    expect([...kinds].sort()).toEqual(["multi", "num", "slice", "str"]);
    const raws = local.segments.flatMap((s) => s.raw);
    expect(raws.some((r) => /[^\x00-\x7f]/.test(r))).toBe(true);
    expect(raws.some((r) => Buffer.byteLength(r) > 0x4000)).toBe(true);
  });

  it("every event, field and order as locally (EQL any where true)", async () => {
    const q = "any where true";
    expect(comparable(await runEqlRemote(target(), q, { size: 10_000 }))).toEqual(comparable(runEql(local, q, { size: 10_000 })));
  });

  it("SPL tables of the fields, text and numbers", async () => {
    for (const q of ["* | table _time uid msg n tags big", '* | where n > 100 | stats count by msg', "* | stats count by n"]) {
      expect(splExportJson(await runSplRemote(target(), q, { nowMs: 0 })), q).toEqual(splExportJson(runSpl(local, q, { nowMs: 0 })));
    }
  });

  it("the stored times: _ts exact, _ms whole milliseconds (floor, also before 1970), _time from _ms; NULL without a time", async () => {
    const conn = new Connection(server.url);
    try {
      const rows = await conn.rows<{ ts: number | null; ms: string; t: string }>("SELECT _ts AS ts, toString(_ms) AS ms, toString(toUInt32(_time)) AS t FROM quarry_native_events ORDER BY _seq");
      const want = local.segments
        .flatMap((s) => [...s.time].map((t, r) => ({ t, seq: s.seq[r]! })))
        .sort((a, b) => a.seq - b.seq)
        .map(({ t }) => t);
      expect(rows.map((r) => r.ts)).toEqual(want.map((t) => (Number.isNaN(t) ? null : t)));
      expect(rows.map((r) => Number(r.ms))).toEqual(want.map((t) => (Number.isNaN(t) ? 0 : Math.floor(t))));
      expect(rows.some((r) => Number(r.ms) < 0)).toBe(true);
    } finally {
      await conn.close();
    }
  });
});
