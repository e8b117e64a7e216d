/**
 * Quarry in headless Chromium, in a Web Worker (the real deployment): bundle the worker with
 * esbuild, serve it and the raw files from a loopback HTTP server, drive the page with
 * playwright-core, and check the worker's answers against the Node run's.
 */
import { createReadStream, existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import type { BenchData } from "./data.ts";
import type { BrowserResult } from "./report.ts";
import type { OpId } from "./quarry-ops.ts";
import type { WorkerRequest, WorkerResponse } from "./worker-entry.ts";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const here = dirname(fileURLToPath(import.meta.url));

const PAGE = `<!doctype html><meta charset="utf-8"><title>quarry bench</title><script>
window.runBench = (req) => new Promise((resolve) => {
  const w = new Worker("/worker.js");
  w.onmessage = (e) => { resolve(e.data); w.terminate(); };
  w.onerror = (e) => resolve({ error: String(e.message || e) });
  w.postMessage(req);
});
</script>`;

/** Runs Quarry's operations in a Chromium Web Worker; returns null (with a log line) when Chromium is missing. */
export async function runBrowser(
  data: BenchData,
  reps: number,
  log: (s: string) => void,
  digests?: Partial<Record<OpId, string>>,
  ops?: OpId[],
): Promise<BrowserResult | null> {
  if (!existsSync(CHROMIUM)) {
    log(`chromium: ${CHROMIUM} not found, skipping the browser run`);
    return null;
  }
  log("chromium: bundling the worker …");
  const bundle = await build({ entryPoints: [join(here, "worker-entry.ts")], bundle: true, format: "iife", platform: "browser", target: "es2022", write: false, minify: false, logLevel: "error" });
  const workerJs = bundle.outputFiles[0]!.text;
  const rawByName = new Map(data.rawFiles.map((f) => [basename(f.path), f.path]));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/") res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    else if (url.pathname === "/worker.js") res.writeHead(200, { "content-type": "text/javascript" }).end(workerJs);
    else if (url.pathname.startsWith("/raw/") && rawByName.has(decodeURIComponent(url.pathname.slice(5)))) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      createReadStream(rawByName.get(decodeURIComponent(url.pathname.slice(5)))!).pipe(res);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => log(`chromium page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    const userAgent = (await page.evaluate("navigator.userAgent")) as string;
    log(`chromium: running in a Web Worker (${userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? userAgent}) …`);
    const req: WorkerRequest = {
      files: data.rawFiles.map((f) => ({ name: basename(f.path), ndjson: f.ndjson })),
      ops: ops ?? ["eq", "in", "wildcard", "statsHost", "stats2", "sankey", "timechart", "sequence"],
      reps,
    };
    page.setDefaultTimeout(0);
    const res = (await page.evaluate((r) => (globalThis as unknown as { runBench(r: unknown): Promise<unknown> }).runBench(r), req)) as WorkerResponse;
    if (res.error) throw new Error(`chromium worker failed: ${res.error}`);
    if (res.all.events !== data.events) throw new Error(`chromium worker ingested ${res.all.events} events, expected ${data.events}`);
    const out: BrowserResult = {
      ingestNdjsonMBs: res.ndjson.bytes / 1e6 / (res.ndjson.timing.median / 1000),
      ingestAllMBs: res.all.bytes / 1e6 / (res.all.timing.median / 1000),
      ingestAllMs: res.all.timing,
      ops: {},
      userAgent,
    };
    for (const o of res.ops) {
      const want = digests?.[o.id];
      if (want && want !== o.digest) throw new Error(`CROSS-CHECK FAILED: ${o.id}: Chromium worker answer ${o.digest} differs from Node's ${want}`);
      out.ops[o.id] = o.timing;
    }
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}
