import { loadToClickHouse, type FileLoadResult } from "@quarry/clickhouse";
import type { Command } from "../command.ts";
import { UsageError, parseArgs } from "../command.ts";
import { CLICKHOUSE_FLAGS, clickhouseTarget, remoteMessage } from "../clickhouse-options.ts";

/** `quarry load --clickhouse URL --dataset NAME FILE...`: loads files into a ClickHouse dataset. */
export const loadCommand: Command = {
  name: "load",
  summary: "load log files into a ClickHouse dataset (same ingest and normalisation as the app)",
  usage: `quarry load --clickhouse URL --dataset NAME [--cluster NAME --shard URL...] [--quiet] FILE...

Streams every FILE through the engine's ingest and normalisation and writes its events to the
ClickHouse dataset NAME (tables quarry_NAME_*), with the ingest sequence number as tiebreaker.
A file whose content was loaded before (SHA-256 fingerprint) is skipped, not doubled. A file is
only reported as loaded once all its events are committed. Progress and per-line problems go to
stderr; a JSON summary goes to stdout. --cluster/--shard: the dataset is a Distributed table over
the cluster's shards (give each shard's HTTP URL). Exit code 1 when any file failed.`,
  async run(args) {
    const p = parseArgs(args, ["quiet"], CLICKHOUSE_FLAGS);
    const target = clickhouseTarget(p);
    if (!target) throw new UsageError("--clickhouse URL is required");
    if (p.positionals.length === 0) throw new UsageError("no files given");
    const quiet = p.flags.has("quiet");
    let lastReport = 0;
    let results: FileLoadResult[];
    try {
      results = await loadToClickHouse(target, p.positionals, {
        onProgress: (pr) => {
          const now = Date.now();
          if (quiet || now - lastReport < 1000) return;
          lastReport = now;
          process.stderr.write(`quarry load: ${pr.file}: ${pr.phase === "ingest" ? `read ${pr.bytes} bytes, ${pr.events} events` : `inserted ${pr.inserted}/${pr.events} events`}, ${pr.problems} problem(s)\n`);
        },
      });
    } catch (e) {
      const msg = remoteMessage(e);
      if (msg === null) throw e;
      process.stderr.write(`quarry load: ${msg}\n`);
      return 1;
    }
    for (const r of results) {
      const s = r.summary;
      if (s && s.problemTotal > 0) {
        process.stderr.write(`quarry load: ${r.file}: ${s.problemTotal} problem(s): ${Object.entries(s.problemCounts).map(([k, n]) => `${k} ×${n}`).join(", ")}\n`);
        for (const pr of s.problems) process.stderr.write(`  ${pr.file}${pr.line !== undefined ? `:${pr.line}` : ""}${pr.offset !== undefined ? ` @${pr.offset}` : ""}: ${pr.reason}\n`);
      }
      if (r.status === "duplicate") process.stderr.write(`quarry load: ${r.file}: already loaded (same content as ${r.duplicateOf}); skipped\n`);
      if (r.status === "failed") process.stderr.write(`quarry load: ${r.file}: failed: ${r.error}\n`);
    }
    const out = {
      dataset: target.dataset,
      loaded: results.filter((r) => r.status === "loaded").reduce((n, r) => n + (r.summary?.events ?? 0), 0),
      files: results.map((r) => ({
        file: r.file,
        status: r.status,
        events: r.status === "loaded" ? (r.summary?.events ?? 0) : 0,
        problems: r.summary?.problemTotal ?? 0,
        fingerprint: r.fingerprint,
        ...(r.duplicateOf !== undefined ? { duplicateOf: r.duplicateOf } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
      })),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return results.some((r) => r.status === "failed") ? 1 : 0;
  },
};
