/**
 * A throwaway clickhouse-server for the e2e specs (the ClickHouse package's test server: config
 * and users file in a temp dir, free loopback ports; `stop` kills it and removes the dir), plus
 * `quarry` CLI runs against it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
// The server helper the ClickHouse package's tests use (node built-ins only, so it loads here as is).
import { haveClickHouse, startClickHouseServer } from "../../packages/clickhouse/src/server.ts";

export { haveClickHouse };

/** The built CLI, as the Playwright config runs it. */
export const QUARRY = fileURLToPath(new URL("../../packages/cli/dist/quarry.js", import.meta.url));

/** A running child process with an address and a way to stop it. */
export interface Running {
  url: string;
  stop(): Promise<void>;
}

/** SIGTERM, then SIGKILL after 5 s: a stuck child never outlives the spec. */
async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Starts clickhouse-server on free loopback ports and waits for /ping (the ClickHouse package's test server). */
export async function startClickHouse(): Promise<Running> {
  const server = await startClickHouseServer();
  return { url: server.url, stop: () => server.stop() };
}

/** `quarry load --clickhouse URL --dataset NAME FILE...`; resolves to its JSON summary. */
export function loadIntoClickHouse(url: string, dataset: string, files: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [QUARRY, "load", "--clickhouse", url, "--dataset", dataset, "--quiet", ...files], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`quarry load failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as unknown);
    });
  });
}

/** `quarry serve --clickhouse URL` on a free port; resolves once it prints its address. */
export function serveWithClickHouse(clickhouse: string): Promise<Running> {
  const proc = spawn(process.execPath, [QUARRY, "serve", "--port", "0", "--host", "127.0.0.1", "--clickhouse", clickhouse], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => void kill(proc).then(() => reject(new Error(`quarry serve did not start: ${out}`))), 60_000);
    proc.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /Quarry is running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, stop: () => kill(proc) });
      }
    });
    proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`quarry serve exited (${code}): ${out}`));
    });
  });
}
