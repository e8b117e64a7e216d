/**
 * Failures give clear messages and never hang: an unreachable server, a dataset that does not
 * exist, a server-side error, a connection dropped mid-query (and mid-load: nothing half-loaded
 * becomes visible), and cancellation (the server query is killed).
 */
import { createServer as createTcpServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, RemoteError, loadToClickHouse, readInfo, runEqlRemote, runSplRemote, tables, type Target } from "../src/index.ts";
import { freePort, haveClickHouse, startServer, type TestServer } from "./server.ts";
import { SHARED, pathOf } from "./support.ts";

const REGSVR = pathOf(new URL("datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", SHARED));

/** A TCP proxy to `port` that cuts a connection half-way through the answer to a request mentioning the armed text. */
async function cuttingProxy(port: number): Promise<{ url: string; arm(cut: string | null): void; close(): Promise<void> }> {
  let pattern: string | null = null;
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((client) => {
    sockets.add(client);
    const upstream = connect(port, "127.0.0.1");
    sockets.add(upstream);
    let seen = "";
    let cutting = false;
    client.on("data", (d) => {
      seen += d.toString("latin1");
      if (pattern !== null && seen.includes(pattern)) cutting = true;
      upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (!cutting) {
        client.write(d);
        return;
      }
      // Mid-response: half of the first chunk arrives, then the connection is gone.
      client.write(d.subarray(0, Math.max(1, d.length >> 1)));
      client.destroy();
      upstream.destroy();
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  });
  const listenPort = await freePort();
  await new Promise<void>((r) => server.listen(listenPort, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${listenPort}`,
    arm: (cut) => {
      pattern = cut;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function failure(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RemoteError);
    return e as RemoteError;
  }
  throw new Error("expected a failure");
}

describe("unreachable server", () => {
  it("says it cannot reach the server, quickly", async () => {
    const port = await freePort();
    const started = Date.now();
    const e = await failure(runEqlRemote({ url: `http://127.0.0.1:${port}`, dataset: "x" }, "any where true"));
    expect(e.code).toBe("unreachable");
    expect(e.message).toContain(`cannot reach ClickHouse at http://127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(5000);
    const l = await loadToClickHouse({ url: `http://127.0.0.1:${port}`, dataset: "x" }, [REGSVR]).catch((err: unknown) => err);
    expect(l).toBeInstanceOf(RemoteError);
  });
});

describe.skipIf(!haveClickHouse)("failures against a live 18.16 server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 120_000);

  it("a dataset that was never loaded is named in the error", async () => {
    const e = await failure(runSplRemote({ url: server.url, dataset: "nope" }, "index=main | stats count"));
    expect(e.code).toBe("dataset");
    expect(e.message).toMatch(/dataset "nope" does not exist/);
  });

  it("a server-side error comes back with ClickHouse's code and message", async () => {
    const t: Target = { url: server.url, dataset: "broken" };
    expect((await loadToClickHouse(t, [REGSVR])).map((r) => r.status)).toEqual(["loaded"]);
    const conn = new Connection(server.url);
    await conn.command(`DROP TABLE ${tables("broken").events}`);
    await conn.close();
    const e = await failure(runEqlRemote(t, 'process where process.name == "regsvr32.exe"'));
    expect(e.code).toBe("server");
    expect(e.message).toMatch(/ClickHouse error 60: .*quarry_broken_events/);
  });

  it("a connection dropped mid-query is reported as dropped; mid-load, nothing becomes visible", async () => {
    const t: Target = { url: server.url, dataset: "drop" };
    const proxy = await cuttingProxy(server.httpPort);
    try {
      // Mid-load: the events INSERT is cut; the file is reported failed and no query sees its rows.
      // The client sends INSERT statements URL-encoded in the query string.
      proxy.arm("INSERT+INTO+%60quarry_drop_events%60");
      const res = await loadToClickHouse({ ...t, url: proxy.url }, [REGSVR]);
      expect(res.map((r) => r.status)).toEqual(["failed"]);
      expect(res[0]!.error).toMatch(/dropped|nothing of this file was committed/);
      const conn = new Connection(server.url);
      expect((await readInfo(conn, "drop", { mustExist: true })).loads).toEqual([]);
      await conn.close();
      const empty = await runEqlRemote(t, "any where true", { size: 1000 });
      expect(empty.hits.total.value).toBe(0);
      // A retry loads the file fully (it was never committed, so it is not a duplicate).
      proxy.arm(null);
      expect((await loadToClickHouse(t, [REGSVR])).map((r) => r.status)).toEqual(["loaded"]);
      expect((await runEqlRemote(t, "any where true", { size: 1000 })).hits.total.value).toBe(150);
      // Mid-query: the SELECT of events is cut.
      proxy.arm("ORDER BY _seq");
      const e = await failure(runEqlRemote({ ...t, url: proxy.url }, "any where true"));
      expect(e.code).toBe("dropped");
      expect(e.message).toMatch(/was dropped during the query/);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it("cancelling kills the query on the server", async () => {
    const conn = new Connection(server.url);
    const ctl = new AbortController();
    const queryId = `quarry-test-cancel-${Date.now()}`;
    const running = conn.rows("SELECT count() FROM system.numbers WHERE NOT ignore(sipHash64(number))", { signal: ctl.signal, queryId });
    await new Promise((r) => setTimeout(r, 500));
    ctl.abort();
    const e = await failure(running);
    expect(e.code).toBe("cancelled");
    let left = 1;
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const rows = await conn.rows<{ n: string }>(`SELECT count() AS n FROM system.processes WHERE query_id = '${queryId}'`);
      left = Number(rows[0]!.n);
    }
    expect(left).toBe(0);
    await conn.close();
  }, 30_000);
});
