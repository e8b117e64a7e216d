/**
 * A throwaway clickhouse-server for the e2e specs (the minimal start/stop of the ClickHouse
 * package's test harness): config and users file in a temp dir, free loopback ports, and
 * `stop` kills it and removes the dir. Plus `quarry` CLI runs against it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BINARY = ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"].find((p) => existsSync(p));

/** Whether clickhouse-server is installed here (the ClickHouse spec is skipped when not). */
export const haveClickHouse = BINARY !== undefined;

/** The built CLI, as the Playwright config runs it. */
export const QUARRY = fileURLToPath(new URL("../../packages/cli/dist/quarry.js", import.meta.url));

/** A running child process with an address and a way to stop it. */
export interface Running {
  url: string;
  stop(): Promise<void>;
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
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

/** Starts clickhouse-server on free loopback ports and waits for /ping. */
export async function startClickHouse(): Promise<Running> {
  if (!BINARY) throw new Error("clickhouse-server is not installed");
  const dir = mkdtempSync(join(tmpdir(), "quarry-e2e-ch-"));
  const httpPort = await freePort();
  const tcpPort = await freePort();
  writeFileSync(
    join(dir, "config.xml"),
    `<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <http_port>${httpPort}</http_port><tcp_port>${tcpPort}</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size><uncompressed_cache_size>67108864</uncompressed_cache_size>
</yandex>
`,
  );
  writeFileSync(
    join(dir, "users.xml"),
    `<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`,
  );
  const proc = spawn(BINARY, [`--config-file=${join(dir, "config.xml")}`], { cwd: dir, stdio: "ignore" });
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    await kill(proc);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/ping`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`clickhouse-server did not start on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
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
