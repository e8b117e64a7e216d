import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { CancelledError, EngineClient, type EngineTransport, type FromWorker } from "../../src/index.ts";

/** The host on a real worker thread, so a synchronous query there runs while this thread sets the flag. */
async function threadClient(): Promise<{ client: EngineClient; worker: Worker }> {
  const worker = new Worker(new URL("./thread-host.mjs", import.meta.url));
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m: { kind?: string }) => m.kind === "ready" && resolve());
  });
  const transport: EngineTransport = {
    send: (m) => worker.postMessage(m),
    onMessage: (l) => worker.on("message", (m: FromWorker) => l(m)),
    onDeath: (l) => worker.on("exit", (code) => l(`exited with ${code}`)),
    close: () => void worker.terminate(),
  };
  return { client: new EngineClient(() => transport, { sharedCancel: true }), worker };
}

describe("shared-memory cancel of a running query", () => {
  let done: (() => void) | null = null;
  afterAll(() => done?.());

  it("stops a synchronous EQL run between batches", async () => {
    const { client, worker } = await threadClient();
    done = () => void worker.terminate();
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`{"@timestamp":${1_600_000_000_000 + i},"event":{"category":"process"},"host":"h${i % 1000}","n":${i}}`);
    const loaded = await client.call("ingest", { name: "big.json", source: { kind: "bytes", bytes: new TextEncoder().encode(lines.join("\n")) } });
    expect(loaded.events).toBe(300_000);
    const query = "sequence by host [process where n >= 0] [process where n >= 0] [process where n >= 0] [process where n >= 0]";
    const t0 = performance.now();
    const full = await client.call("query", { lang: "eql", text: query });
    const fullMs = performance.now() - t0;
    expect(full.kind).toBe("sequences");

    // Abort right after posting: the worker reads the call first and runs it synchronously, so the
    // cancel *message* could only be read after the run; only the shared flag can stop it.
    const abort = new AbortController();
    const run = client.call("query", { lang: "eql", text: query }, { signal: abort.signal });
    abort.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    console.log(`uncancelled run ${Math.round(fullMs)} ms; the cancelled one stopped at its first batch check`);
    // The engine is still usable afterwards.
    expect((await client.call("status", {})).events).toBe(300_000);
  }, 120_000);
});
