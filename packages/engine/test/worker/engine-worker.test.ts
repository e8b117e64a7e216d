import { readFileSync } from "node:fs";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { CancelledError, EngineClient, serveEngine, type EngineTransport, type FromWorker, type ToWorker } from "../../src/index.ts";

const datasets = new URL("../../../../../shared/datasets/", import.meta.url);
const eveSmall = readFileSync(new URL("suricata-eve-beats-testdata/eve-small.log", datasets));
// The _bulk action lines are dropped so these tests depend on plain NDJSON only, not on the bulk format.
const regsvr32 = new TextEncoder().encode(
  readFileSync(new URL("atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", datasets), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith('{"create"'))
    .join("\n") + "\n",
);

/** A real structured-clone transport: the host on one end of a MessageChannel, the client on the other. */
function channelTransport(): { transport: EngineTransport; hostPort: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  serveEngine({
    postMessage: (m: FromWorker) => port1.postMessage(m),
    addEventListener: (_t, l) => port1.on("message", (data) => l({ data })),
  });
  const transport: EngineTransport = {
    send: (m: ToWorker) => port2.postMessage(m),
    onMessage: (l) => port2.on("message", (data) => l(data as FromWorker)),
    onDeath: (l) => port2.on("close", () => l("port closed")),
    close: () => port2.close(),
  };
  return { transport, hostPort: port1 };
}

const clients: EngineClient[] = [];
function newClient(): { client: EngineClient; hostPorts: MessagePort[] } {
  const hostPorts: MessagePort[] = [];
  const client = new EngineClient(() => {
    const { transport, hostPort } = channelTransport();
    hostPorts.push(hostPort);
    return transport;
  });
  clients.push(client);
  return { client, hostPorts };
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

/** The host on a real worker thread (structured clone across threads, as in a browser worker). */
function threadClient(): { client: EngineClient } {
  const client = new EngineClient(() => {
    const worker = new Worker(new URL("./thread-host.mjs", import.meta.url));
    return {
      send: (m: ToWorker) => worker.postMessage(m),
      onMessage: (l) => worker.on("message", (m: FromWorker) => l(m)),
      onDeath: (l) => worker.on("error", (e) => l(e.message)),
      close: () => void worker.terminate(),
    };
  });
  clients.push(client);
  return { client };
}

// One suite, two transports (CONVENTIONS 10): in-process over a MessageChannel, and a worker thread.
describe.each([
  ["a MessageChannel", newClient],
  ["a worker thread", threadClient],
] as const)("engine worker protocol over %s", (_name, newClient) => {
  it("loads a Blob with progress and reports the eve-small counts (PROVENANCE: 8 events)", async () => {
    const { client } = newClient();
    const progress: number[] = [];
    const summary = await client.call("ingest", { name: "eve-small.log", source: { kind: "blob", blob: new Blob([eveSmall]) } }, { onProgress: (p) => progress.push(p.events) });
    expect(summary.events).toBe(8);
    expect(summary.bytes).toBe(eveSmall.length);
    expect(progress.at(-1)).toBe(8);
    const status = await client.call("status", {});
    expect(status.events).toBe(8);
    expect(status.files).toEqual([expect.objectContaining({ name: "eve-small.log", events: 8, bytes: eveSmall.length })]);
  });

  it("pages events in time order, returns a full event and field stats matching the regsvr32 PROVENANCE", async () => {
    const { client } = newClient();
    await client.call("ingest", { name: "regsvr32.json", source: { kind: "bytes", bytes: new Uint8Array(regsvr32) } });
    const page = await client.call("events", { offset: 0, limit: 1000 });
    expect(page.total).toBe(150);
    expect(page.rows).toHaveLength(150);
    for (let i = 1; i < page.rows.length; i++) expect(page.rows[i]!.time!).toBeGreaterThanOrEqual(page.rows[i - 1]!.time!);
    const withCols = await client.call("events", { offset: 0, limit: 1000, columns: ["event.category", "dll.name"] });
    expect(withCols.rows.filter((r) => r.values!["event.category"] === "library")).toHaveLength(89);
    expect(withCols.rows.filter((r) => r.values!["dll.name"] === "scrobj.dll")).toHaveLength(1);
    const tail = await client.call("events", { offset: 140, limit: 50 });
    expect(tail.rows.map((r) => r.seq)).toEqual(page.rows.slice(140).map((r) => r.seq));

    // The network event is the file's last document, but not the latest in time.
    const network = page.rows.find((r) => r.raw.includes("151.101.48.133"))!;
    const detail = await client.call("event", { seq: network.seq });
    expect(detail?.fields["destination.address"]).toBe("151.101.48.133");
    expect(detail?.raw).toContain("50505");
    expect(page.rows.indexOf(network)).toBeLessThan(149);

    // A time range is a slice of the ordered events; its summaries cover the same rows.
    const lo = page.rows[10]!.time!;
    const hi = page.rows[100]!.time!;
    const inRange = page.rows.filter((r) => r.time! >= lo && r.time! < hi);
    const view = { kind: "all" as const, earliest: lo, latest: hi };
    const ranged = await client.call("events", { view, offset: 0, limit: 1000 });
    expect(ranged.rows.map((r) => r.seq)).toEqual(inRange.map((r) => r.seq));
    const rangedStats = await client.call("fieldStats", { view });
    expect(rangedStats.find((s) => s.field === "process.name")!.count).toBe(inRange.length);
    expect((await client.call("histogram", { view })).total).toBe(inRange.length);

    const stats = await client.call("fieldStats", {});
    const name = stats.find((s) => s.field === "process.name")!;
    expect(name.count).toBe(150);
    expect(name.top[0]).toEqual({ value: "regsvr32.exe", count: 143 });
    const cat = stats.find((s) => s.field === "event.category")!;
    expect(cat.top).toEqual([
      { value: "library", count: 89 },
      { value: "registry", count: 56 },
      { value: "process", count: 4 },
      { value: "network", count: 1 },
    ]);
    const pid = stats.find((s) => s.field === "process.pid")!;
    expect(pid.type).toBe("number");
    expect(pid.numeric).toEqual({ min: 2012, max: 2012, avg: 2012 });
    expect(stats.find((s) => s.field === "destination.address")!.coverage).toBeCloseTo(1 / 150);
  });

  it("splits the time histogram by a field; series totals equal the category counts", async () => {
    const { client } = newClient();
    await client.call("ingest", { name: "regsvr32.json", source: { kind: "bytes", bytes: new Uint8Array(regsvr32) } });
    const h = await client.call("histogram", { splitBy: "event.category", targetBuckets: 30 });
    expect(h.total).toBe(150);
    expect(Object.fromEntries(h.series.map((s) => [s.name, s.total]))).toEqual({ library: 89, registry: 56, process: 4, network: 1 });
    expect(h.buckets).toBeLessThanOrEqual(30);
    for (const s of h.series) expect(s.counts).toHaveLength(h.buckets);
    const capped = await client.call("histogram", { splitBy: "event.category", maxSeries: 2 });
    expect(capped.series.map((s) => [s.name, s.total])).toEqual([["library", 89], ["registry", 56], ["other", 5]]);
  });

  it("cancels a running ingest, leaving the dataset as it was", async () => {
    const { client } = newClient();
    await client.call("ingest", { name: "eve-small.log", source: { kind: "bytes", bytes: new Uint8Array(eveSmall) } });
    const line = '{"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","src_ip":"10.0.0.1","n":1}\n';
    const big = new TextEncoder().encode(line.repeat(300_000));
    const abort = new AbortController();
    let progressed = 0;
    const run = client.call("ingest", { name: "big.json", source: { kind: "bytes", bytes: big } }, {
      signal: abort.signal,
      onProgress: () => {
        if (++progressed === 1) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const status = await client.call("status", {});
    expect(status.events).toBe(8);
    expect(status.files.map((f) => f.name)).toEqual(["eve-small.log"]);
  });

  it("rebuilds errors with their name and rejects unknown methods", async () => {
    const { client } = newClient();
    const call = (client.call as (m: string, p: unknown) => Promise<unknown>)("toString", {});
    await expect(call).rejects.toThrow('unknown engine method "toString"');
    await expect(client.call("fieldStats", { view: { kind: "result", handle: 99 } })).rejects.toMatchObject({ name: "Error", message: expect.stringContaining("unknown result handle 99") });
  });

});

describe("a dead host", () => {
  it("rejects every pending call when the host dies, and restarts empty", async () => {
    const { client, hostPorts } = newClient();
    await client.call("ingest", { name: "eve-small.log", source: { kind: "bytes", bytes: new Uint8Array(eveSmall) } });
    const big = new TextEncoder().encode('{"a":1}\n'.repeat(400_000));
    const pending = client.call("ingest", { name: "big.json", source: { kind: "bytes", bytes: big } });
    const states: string[] = [];
    client.subscribe(() => states.push(client.state.kind));
    hostPorts[0]!.close();
    await expect(pending).rejects.toMatchObject({ name: "EngineDeadError" });
    await expect(client.call("status", {})).rejects.toThrow(/not running/);
    client.restart();
    expect(client.state.kind).toBe("ready");
    expect((await client.call("status", {})).events).toBe(0);
    expect(states).toEqual(["dead", "ready"]);
  });
});

describe("fingerprints and persistence", () => {
  it("fingerprints with 64-bit FNV-1a (published test vectors)", async () => {
    const { Fnv64 } = await import("../../src/worker/handlers.ts");
    const h = (s: string) => {
      const f = new Fnv64();
      f.update(new TextEncoder().encode(s));
      return f.hex();
    };
    expect(h("")).toBe("cbf29ce484222325");
    expect(h("a")).toBe("af63dc4c8601ec8c");
    expect(h("foobar")).toBe("85944171f73967e8");
  });

  it("saves a snapshot to storage and restores it into a fresh engine with the same answers", async () => {
    const { EngineCore } = await import("../../src/index.ts");
    let stored: { data: Uint8Array; files: import("../../src/index.ts").LoadedFile[] } | null = null;
    const storage = {
      save: async (data: Uint8Array, files: import("../../src/index.ts").LoadedFile[]) => void (stored = { data: data.slice(), files }),
      load: async () => stored,
      clear: async () => void (stored = null),
    };
    const connect = () => {
      const { port1, port2 } = new MessageChannel();
      serveEngine({ postMessage: (m: FromWorker) => port1.postMessage(m), addEventListener: (_t, l) => port1.on("message", (data) => l({ data })) }, new EngineCore(), storage);
      return { send: (m: ToWorker) => port2.postMessage(m), onMessage: (l: (m: FromWorker) => void) => port2.on("message", (d) => l(d as FromWorker)), onDeath: () => {}, close: () => port2.close() };
    };
    const a = new EngineClient(connect);
    clients.push(a);
    const sum = await a.call("ingest", { name: "regsvr32.json", source: { kind: "bytes", bytes: new Uint8Array(regsvr32) } });
    expect(sum.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect((await a.call("persist", {})).bytes).toBeGreaterThan(regsvr32.length);
    const b = new EngineClient(connect);
    clients.push(b);
    const restored = await b.call("restore", {});
    expect(restored?.events).toBe(150);
    expect(restored?.files).toEqual([expect.objectContaining({ name: "regsvr32.json", fingerprint: sum.fingerprint, events: 150 })]);
    const q = await b.call("query", { lang: "eql", text: 'any where process.name == "regsvr32.exe"' });
    expect(q.total).toBe(143);
    await b.call("reset", {});
    expect(stored).toBeNull();
    expect(await b.call("restore", {})).toBeNull();
  });
});
