/** The `quarry serve --clickhouse` routes: same answers as the local engine, clear failures. */
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, EngineCore, ingestBytes, runEql, runSpl, viewsOf, type EqlResponse, type PivotRequest, type SankeyRequest } from "@quarry/engine";
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

/**
 * A TCP relay to ClickHouse that holds back the answer to any request whose text contains
 * `hold` (the query still runs; its client just waits), and records what went through.
 */
async function holdingRelay(port: number, hold: string): Promise<{ url: string; seen: () => string; held: () => boolean; close(): Promise<void> }> {
  let seen = "";
  let held = false;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    sockets.add(client).add(upstream);
    let text = "";
    client.on("data", (d) => {
      text += d.toString("latin1");
      seen += d.toString("latin1");
      upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (text.includes(hold)) held = true;
      else client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on("error", end);
      s.on("close", end);
    }
  });
  const listen = await freePort();
  await new Promise<void>((r) => server.listen(listen, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${listen}`,
    seen: () => seen,
    held: () => held,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
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

  it("views: Sankey, pivot and process tree answer as the local views", async () => {
    const core = new EngineCore();
    const job = core.beginIngest("normalized-T1117-AtomicRed-regsvr32.json");
    job.write(readFileSync(REGSVR));
    core.finishIngest(job);
    const views = viewsOf(core);
    const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    for (const request of [{ mode: "process" }, { mode: "fields", source: "event.category", target: "event.type", maxFlows: 2 }] as SankeyRequest[]) {
      const r = await post(proxy.base, "sankey", { dataset: "regsvr", request, queryId: "ui-sankey-1" });
      expect(r.status).toBe(200);
      expect(r.body).toEqual(json(views.sankey(request)));
    }
    const pivot: PivotRequest = { entity: { kind: "process", value: "regsvr32.exe" }, top: 12, recent: 15 };
    const p = await post(proxy.base, "pivot", { dataset: "regsvr", request: pivot });
    expect(p.status).toBe(200);
    expect(p.body).toEqual(json(views.pivot(pivot)));
    expect(p.body.events).toBeGreaterThan(0);
    const t = await post(proxy.base, "tree", { dataset: "regsvr", request: { host: null } });
    expect(t.body).toEqual(json(views.processTree({ host: null })));
    const seq = views.processTree({})!.nodes.find((n) => n.seq !== null)!.seq!;
    expect((await post(proxy.base, "tree", { dataset: "regsvr", request: { seq } })).body).toEqual(json(views.processTree({ seq })));
  });

  it("views: bad requests are 400 with the reason, an unknown dataset 404", async () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ["sankey", { mode: "process", colour: "red" }, /unknown keys: colour/],
      ["sankey", { mode: "sideways" }, /mode must be/],
      ["sankey", { mode: "process", view: { kind: "result", handle: 3 } }, /send a filter as `where`/],
      ["sankey", { mode: "fields", source: "a" }, /source and target/],
      ["sankey", { mode: "process", maxFlows: 9000 }, /maxFlows/],
      ["pivot", { entity: { kind: "planet", value: "x" } }, /entity must be/],
      ["pivot", { entity: { kind: "ip", value: "1.2.3.4" }, recent: -1 }, /recent/],
      ["tree", { seq: "12" }, /seq must be/],
      ["tree", "host=venus", /must be an object/],
    ];
    for (const [route, request, message] of bad) {
      const r = await post(proxy.base, route, { dataset: "regsvr", request });
      expect({ route, status: r.status }).toEqual({ route, status: 400 });
      expect(r.body).toMatchObject({ error: { code: "request", message: expect.stringMatching(message) } });
    }
    const nope = await post(proxy.base, "pivot", { dataset: "nope", request: { entity: { kind: "ip", value: "1.2.3.4" } } });
    expect(nope.status).toBe(404);
  });

  it("views: cancel with the queryId stops a view on the server (KILL QUERY) and answers 499", { timeout: 30_000 }, async () => {
    // The relay holds the answer of the flow count, so the view is still waiting when Cancel comes.
    const relay = await holdingRelay(ch.httpPort, "GROUP BY");
    const held = await serve(relay.url);
    try {
      const queryId = "ui-view-cancel-1";
      const pending = post(held.base, "sankey", { dataset: "regsvr", request: { mode: "process" }, queryId });
      for (let i = 0; i < 100 && !relay.held(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(relay.held()).toBe(true);
      expect((await post(held.base, "cancel", { queryId })).body).toEqual({ cancelled: queryId });
      const r = await pending;
      expect(r.status).toBe(499);
      expect(r.body).toMatchObject({ error: { code: "cancelled" } });
      // The statement travels in the body or URL-encoded in the query string.
      const seen = relay.seen();
      expect([seen, decodeURIComponent(seen.replace(/\+/g, " "))].some((t) => t.includes(`KILL QUERY WHERE query_id = '${queryId}'`))).toBe(true);
    } finally {
      await new Promise((r) => held.server.close(r));
      await relay.close();
    }
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
