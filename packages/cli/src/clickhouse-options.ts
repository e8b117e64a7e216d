/**
 * The `--clickhouse URL --dataset NAME [--cluster NAME --shard URL...]` options shared by `quarry
 * load`, `quarry eql` and `quarry spl`, and the one place where remote failures become CLI messages.
 */
import { readFile } from "node:fs/promises";
import { RemoteError, SqlSafetyError, checkDatasetName, runEqlRemote, runSplRemote, type Target } from "@quarry/clickhouse";
import { QueryError, SplExecError, formatQueryError, splExportCsv, splExportJson, splExportTable, type EqlOptions, type SplOptions } from "@quarry/engine";
import { UsageError, flag, type ParsedArgs } from "./command.ts";

/** Flags that take a value, for `parseArgs`. */
export const CLICKHOUSE_FLAGS = ["clickhouse", "dataset", "cluster", "shard"];

/** The ClickHouse target named by the flags, or null when `--clickhouse` is absent. */
export function clickhouseTarget(p: ParsedArgs): Target | null {
  const url = flag(p, "clickhouse");
  if (url === undefined) {
    if (p.flags.has("dataset")) throw new UsageError("--dataset needs --clickhouse URL");
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--clickhouse needs an http(s) URL such as http://127.0.0.1:8123, not "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`--clickhouse needs an http(s) URL, not "${url}"`);
  const dataset = flag(p, "dataset");
  if (dataset === undefined) throw new UsageError("--clickhouse needs --dataset NAME");
  try {
    checkDatasetName(dataset);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const cluster = flag(p, "cluster");
  const shards = p.flags.get("shard") ?? [];
  if ((cluster === undefined) !== (shards.length === 0)) throw new UsageError("--cluster NAME and --shard URL (one per shard) go together");
  return { url: url.replace(/\/+$/, ""), dataset, ...(cluster !== undefined ? { cluster: { name: cluster, shardUrls: shards } } : {}) };
}

/** A message for a remote failure, or null when the error is not one (a bug: rethrow). */
export function remoteMessage(e: unknown): string | null {
  if (e instanceof RemoteError || e instanceof SqlSafetyError) return e.message;
  return null;
}

/** Runs EQL on a ClickHouse dataset and prints the body as the local command does; resolves to the exit code. */
export async function runRemoteEql(target: Target, query: string, opts: EqlOptions, mappingFiles: string[], shape: (body: unknown) => unknown): Promise<number> {
  const mappings: Array<{ text: string }> = [];
  for (const file of mappingFiles) {
    try {
      mappings.push({ text: await readFile(file, "utf8") });
    } catch (e) {
      process.stderr.write(`quarry eql: --mapping ${file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  try {
    const response = await runEqlRemote(target, query, opts, { mappings, ...cancelOnSignal() });
    process.stdout.write(JSON.stringify(shape(response), null, 2) + "\n");
    return 0;
  } catch (e) {
    return reportQueryFailure("eql", query, e);
  }
}

/** Runs SPL on a ClickHouse dataset and prints it in `format` as the local command does. */
export async function runRemoteSpl(target: Target, query: string, opts: SplOptions, format: "json" | "csv" | "table"): Promise<number> {
  try {
    const res = await runSplRemote(target, query, opts, cancelOnSignal());
    if (format === "json") process.stdout.write(JSON.stringify(splExportJson(res), null, 2) + "\n");
    else if (format === "csv") process.stdout.write(splExportCsv(res));
    else process.stdout.write(splExportTable(res));
    return 0;
  } catch (e) {
    return reportQueryFailure("spl", query, e);
  }
}

/** Ctrl+C while a remote query runs: KILL QUERY on the server, then exit. */
function cancelOnSignal(): { signal: AbortSignal } {
  const ctl = new AbortController();
  const onSig = () => ctl.abort();
  process.once("SIGINT", onSig);
  process.once("SIGTERM", onSig);
  return { signal: ctl.signal };
}

function reportQueryFailure(cmd: string, query: string, e: unknown): number {
  if (e instanceof QueryError) {
    process.stderr.write(`quarry ${cmd}: ${formatQueryError(query, e)}\n`);
    return 1;
  }
  const msg = remoteMessage(e);
  if (msg !== null || e instanceof SplExecError) {
    process.stderr.write(`quarry ${cmd}: ${msg ?? (e as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`quarry ${cmd}: ${(e as Error).message}\n`);
  return 1;
}
