import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { QueryError, SplExecError, formatQueryError, registerLookup, runSpl, splExportCsv, splExportJson, splExportTable, type SplOptions } from "@quarry/engine";
import type { Command } from "../command.ts";
import { UsageError, flag, parseArgs } from "../command.ts";
import { loadFiles } from "../load-files.ts";
import { CLICKHOUSE_FLAGS, clickhouseTarget, runRemoteSpl } from "../clickhouse-options.ts";

/** `quarry spl --query Q FILE...`: runs SPL over files and prints Splunk's export JSON, CSV or a table. */
export const splCommand: Command = {
  name: "spl",
  summary: "run an SPL search over log files; prints Splunk's export JSON {fields, results}, CSV or a table",
  usage: `quarry spl --query 'Q' [--earliest T] [--latest T] [--tz America/Los_Angeles]
           [--format json|csv|table] [--lookup name=file.csv]... [--now ISO-TIME] FILE...
       quarry spl --query 'Q' [options] --clickhouse URL --dataset NAME   (a dataset made by quarry load)

Loads every FILE into one dataset and runs the SPL search over it. --earliest/--latest are Splunk
time modifiers (-24h@h, 08/23/2017:00:00:00, epoch seconds) as the time picker sets them; --tz is
the IANA timezone of time parsing, strftime and _time display (default UTC). --lookup registers a
CSV lookup table for | lookup and | inputlookup. --now fixes "now" for relative times (-24h@h)
and now(). Files carry no index: index=NAME also matches
events without one. Output: {"fields": [...], "results": [{...}]} with text values (default), CSV
as Splunk writes it, or an aligned table.`,
  async run(args) {
    const p = parseArgs(args, [], ["query", "earliest", "latest", "tz", "format", "lookup", "now", ...CLICKHOUSE_FLAGS]);
    const query = flag(p, "query");
    if (query === undefined) throw new UsageError("--query is required");
    const remote = clickhouseTarget(p);
    if (remote && p.positionals.length > 0) throw new UsageError("give FILEs or --clickhouse, not both");
    if (!remote && p.positionals.length === 0) throw new UsageError("no files given");
    const format = flag(p, "format") ?? "json";
    if (format !== "json" && format !== "csv" && format !== "table") throw new UsageError(`--format must be json, csv or table, not ${format}`);
    const opts: SplOptions = {};
    const earliest = flag(p, "earliest");
    if (earliest !== undefined) opts.earliest = earliest;
    const latest = flag(p, "latest");
    if (latest !== undefined) opts.latest = latest;
    const tz = flag(p, "tz");
    if (tz !== undefined) opts.tz = tz;
    const now = flag(p, "now");
    if (now !== undefined) {
      const ms = Date.parse(now);
      if (Number.isNaN(ms)) throw new UsageError(`--now must be an ISO time, not ${now}`);
      opts.nowMs = ms;
    }
    if (remote) {
      if (p.flags.has("lookup")) throw new UsageError("--lookup is not supported with --clickhouse yet");
      return runRemoteSpl(remote, query, opts, format);
    }
    const { dataset, summaries } = await loadFiles(p.positionals);
    for (const s of summaries) {
      if (s.problemTotal > 0) process.stderr.write(`quarry spl: ${s.file}: ${s.problemTotal} problem(s): ${Object.entries(s.problemCounts).map(([r, n]) => `${r} ×${n}`).join(", ")}\n`);
    }
    for (const spec of p.flags.get("lookup") ?? []) {
      const eq = spec.indexOf("=");
      const file = eq > 0 ? spec.slice(eq + 1) : spec;
      const name = eq > 0 ? spec.slice(0, eq) : basename(spec).replace(/\.csv$/i, "");
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        process.stderr.write(`quarry spl: --lookup ${spec}: ${(e as Error).message}\n`);
        return 2;
      }
      registerLookup(dataset, name, text);
    }
    try {
      const res = runSpl(dataset, query, opts);
      if (format === "json") process.stdout.write(JSON.stringify(splExportJson(res), null, 2) + "\n");
      else if (format === "csv") process.stdout.write(splExportCsv(res));
      else process.stdout.write(splExportTable(res));
      return 0;
    } catch (e) {
      if (e instanceof QueryError) {
        process.stderr.write(`quarry spl: ${formatQueryError(query, e)}\n`);
        return 1;
      }
      if (e instanceof SplExecError) {
        process.stderr.write(`quarry spl: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
