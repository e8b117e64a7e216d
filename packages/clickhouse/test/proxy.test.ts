/** The `quarry serve --clickhouse` routes: same answers as the local engine, clear failures. */
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, ingestBytes, runEql, runSpl, type EqlResponse } from "@quarry/engine";
import { clickhouseProxy, loadToClickHouse } from "../src/index.ts";
import { freePort, haveClickHouse, startServer, type TestServer } from "./server.ts";
import { SHARED, comparable, pathOf } from "./support.ts";

const REGSVR = pathOf(new URL("datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", SHARED));

async function serve(url: string): Promise<{ base: string; server: Server }> {
  const handler = clickhouseProxy(url);
  const server = createServer((req, res) => {
    void handler(req, res).then((done) => {
      if (!done) res.writeHead(404).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  return { base: `http://127.0.0.1:${port}`, server };
}

const post = async (base: string, route: string, body: unknown) => {
  const res = await fetch(`${base}/api/clickhouse/${route}`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe.skipIf(!haveClickHouse)("ClickHouse proxy routes", () => {
  let ch: TestServer;
  let proxy: { base: string; server: Server };
  let local: Dataset;
  beforeAll(async () => {
    ch = await startServer();
    expect((await loadToClickHouse({ url: ch.url, dataset: "regsvr" }, [REGSVR])).map((r) => r.status)).toEqual(["loaded"]);
    proxy = await serve(ch.url);
    local = new Dataset();
    ingestBytes(local, "normalized-T1117-AtomicRed-regsvr32.json", readFileSync(REGSVR));
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => proxy?.server.close(r));
    await ch?.stop();
  }, 120_000);

  it("lists datasets and answers EQL and SPL as the local engine does", async () => {
    const list = await fetch(`${proxy.base}/api/clickhouse/datasets`);
    expect(await list.json()).toEqual([{ dataset: "regsvr", files: 1, events: 150 }]);
    const q = 'sequence by process.pid [process where process.name == "regsvr32.exe"] [library where dll.name == "scrobj.dll"] [network where true]';
    const eql = await post(proxy.base, "eql", { dataset: "regsvr", query: q, options: { size: 5 }, queryId: "ui-1" });
    expect(eql.status).toBe(200);
    expect(comparable(eql.body as unknown as EqlResponse)).toEqual(comparable(runEql(local, q, { size: 5 })));
    const s = "process.name=regsvr32.exe | stats count by event.category";
    const spl = await post(proxy.base, "spl", { dataset: "regsvr", query: s, options: { nowMs: 0 } });
    const want = runSpl(local, s, { nowMs: 0 });
    expect(spl.body).toEqual(JSON.parse(JSON.stringify({ fields: want.fields, results: want.results })));
  });

  it("fails clearly: unknown dataset 404, bad query 400 with a span, bad body 400, bad name 400", async () => {
    const nope = await post(proxy.base, "eql", { dataset: "nope", query: "any where true" });
    expect(nope.status).toBe(404);
    expect(nope.body).toMatchObject({ error: { code: "dataset", message: expect.stringContaining('dataset "nope" does not exist') } });
    const bad = await post(proxy.base, "eql", { dataset: "regsvr", query: "process where (" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: "query", span: expect.anything() } });
    expect((await post(proxy.base, "spl", "{not json")).status).toBe(400);
    const hostile = await post(proxy.base, "eql", { dataset: "x'); DROP TABLE t; --", query: "any where true" });
    expect(hostile.status).toBe(400);
    expect((await post(proxy.base, "cancel", { queryId: "nothing-running" })).status).toBe(200);
  });

  it("an unreachable ClickHouse is a 502 with the server named", async () => {
    const dead = await serve(`http://127.0.0.1:${await freePort()}`);
    try {
      const r = await post(dead.base, "eql", { dataset: "regsvr", query: "any where true" });
      expect(r.status).toBe(502);
      expect(r.body).toMatchObject({ error: { code: "unreachable", message: expect.stringContaining("cannot reach ClickHouse") } });
    } finally {
      await new Promise((r) => dead.server.close(r));
    }
  });
});
