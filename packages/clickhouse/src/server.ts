/**
 * A private clickhouse-server for tests and benchmarks: `startClickHouseServer` writes a config and
 * users file into a fresh directory, starts Debian's binary on loopback ports (free ones unless
 * given), waits for `/ping`, and `stop` ends the process and removes the directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ClickHouseServer {
  url: string;
  httpPort: number;
  tcpPort: number;
  dir: string;
  proc: ChildProcess;
  /** CPU seconds the server process has used so far (user + system, from /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  httpPort?: number;
  tcpPort?: number;
  /** TCP ports of shards: adds a `remote_servers` cluster named `quarry` with one replica per shard. */
  shards?: number[];
  /** Parent directory of the server's own directory (default: the OS temp dir). */
  parentDir?: string;
  /** Per-query memory limit in bytes (default 2 GB). */
  maxMemoryUsage?: number;
  /** `<merge_tree>` settings of the server config, e.g. `{ parts_to_delay_insert: 1000 }`. */
  mergeTree?: Record<string, number>;
  /** Threads for background merges (the server's default is 16). */
  backgroundPoolSize?: number;
}

const BINARY = ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"].find((p) => existsSync(p));

/** Whether clickhouse-server is installed here. */
export const haveClickHouse = BINARY !== undefined;

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

const SETTING_NAME = /^[a-z_][a-z0-9_]*$/;

function xmlSettings(settings: Record<string, number>): string {
  return Object.entries(settings)
    .map(([k, v]) => {
      if (!SETTING_NAME.test(k) || !Number.isFinite(v)) throw new Error(`bad server setting ${k}=${v}`);
      return `<${k}>${v}</${k}>`;
    })
    .join("");
}

/** Starts a server and resolves once it answers `/ping` (or rejects, with the server stopped). */
export async function startClickHouseServer(opts: ServerOptions = {}): Promise<ClickHouseServer> {
  if (!BINARY) throw new Error("clickhouse-server is not installed");
  const parent = opts.parentDir ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, "quarry-ch-"));
  const httpPort = opts.httpPort ?? (await freePort());
  const tcpPort = opts.tcpPort ?? (await freePort());
  const cluster = opts.shards
    ? `<remote_servers><quarry>${opts.shards.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join("")}</quarry></remote_servers>`
    : "";
  const mergeTree = opts.mergeTree ? `<merge_tree>${xmlSettings(opts.mergeTree)}</merge_tree>` : "";
  const pool = opts.backgroundPoolSize !== undefined ? xmlSettings({ background_pool_size: opts.backgroundPoolSize }) : "";
  writeFileSync(
    join(dir, "config.xml"),
    `<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <http_port>${httpPort}</http_port><tcp_port>${tcpPort}</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size><uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  ${cluster}${mergeTree}${pool}
</yandex>
`,
  );
  writeFileSync(
    join(dir, "users.xml"),
    `<yandex>
  <profiles><default><max_memory_usage>${Math.round(opts.maxMemoryUsage ?? 2_000_000_000)}</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`,
  );
  const proc = spawn(BINARY, [`--config-file=${join(dir, "config.xml")}`], { cwd: dir, stdio: "ignore" });
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once("exit", () => r()));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const cpuSeconds = () => {
    try {
      // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime and stime in clock ticks.
      const fields = readFileSync(`/proc/${proc.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`clickhouse-server did not start on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, httpPort, tcpPort, dir, proc, cpuSeconds, stop };
}
