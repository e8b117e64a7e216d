import { readFile } from "node:fs/promises";
import { Dataset, QueryError, applyMapping, formatQueryError, runEql, type EqlOptions, type IngestSummary } from "@quarry/engine";
import type { Command } from "../command.ts";
import { UsageError, flag, parseArgs } from "../command.ts";
import { loadFiles } from "../load-files.ts";
import { CLICKHOUSE_FLAGS, clickhouseTarget, runRemoteEql } from "../clickhouse-options.ts";

const VALUE_FLAGS = ["size", "query", "event-category-field", "timestamp-field", "tiebreaker-field", "max-samples-per-key", "mapping", "filter-path", "dialect", ...CLICKHOUSE_FLAGS];

/** `quarry eql --query Q FILE...`: runs EQL over files and prints the `_eql/search` response body. */
export const eqlCommand: Command = {
  name: "eql",
  summary: "run an EQL query over log files; prints the Elasticsearch _eql/search response",
  usage: `quarry eql --query 'Q' [--size N] [--event-category-field F] [--timestamp-field F]
           [--tiebreaker-field F] [--max-samples-per-key N] [--mapping FILE]...
           [--filter-path -hits.events] [--dialect elastic|endgame] [--case-sensitive] FILE...
       quarry eql --query 'Q' [options] --clickhouse URL --dataset NAME   (a dataset made by quarry load)

Loads every FILE into one dataset (each event's _index is its file's base name) and prints the
response body of Elasticsearch's _eql/search: is_partial, is_running, took, timed_out, hits.total,
hits.events or hits.sequences. --size defaults to 10, as in Elasticsearch. --mapping applies an
Elasticsearch index mapping (field types, aliases, null_value); give it once per file to pair them
in order, or once for all files. --filter-path keeps (a.b) or drops (-a.b) response paths,
comma-separated. --dialect endgame runs Python EQL semantics (case-insensitive unless
--case-sensitive).`,
  async run(args) {
    const p = parseArgs(args, ["case-sensitive"], VALUE_FLAGS);
    const query = flag(p, "query");
    if (query === undefined) throw new UsageError("--query is required");
    const remote = clickhouseTarget(p);
    if (remote && p.positionals.length > 0) throw new UsageError("give FILEs or --clickhouse, not both");
    if (!remote && p.positionals.length === 0) throw new UsageError("no files given");
    const opts: EqlOptions = {};
    const size = flag(p, "size");
    if (size !== undefined) opts.size = wholeNumber("size", size);
    const msk = flag(p, "max-samples-per-key");
    if (msk !== undefined) opts.maxSamplesPerKey = wholeNumber("max-samples-per-key", msk);
    const ecf = flag(p, "event-category-field");
    if (ecf !== undefined) opts.eventCategoryField = ecf;
    const tsf = flag(p, "timestamp-field");
    if (tsf !== undefined) opts.timestampField = tsf;
    const tbf = flag(p, "tiebreaker-field");
    if (tbf !== undefined) opts.tiebreakerField = tbf;
    const dialect = flag(p, "dialect");
    if (dialect !== undefined) {
      if (dialect !== "elastic" && dialect !== "endgame") throw new UsageError(`--dialect must be elastic or endgame, not ${dialect}`);
      opts.dialect = dialect;
    }
    if (p.flags.has("case-sensitive")) opts.caseSensitive = true;
    if (remote) {
      const fp = flag(p, "filter-path");
      return runRemoteEql(remote, query, opts, p.flags.get("mapping") ?? [], (body) => (fp ? applyFilterPath(body, fp) : body));
    }

    // Files are loaded one at a time so each segment knows its file: `_index` is the file's base name.
    const dataset = new Dataset();
    const summaries: IngestSummary[] = [];
    const fileOfSegment: string[] = [];
    const segmentsOfFile: number[][] = [];
    for (const file of p.positionals) {
      summaries.push(...(await loadFiles([file], dataset)).summaries);
      const ids: number[] = [];
      while (fileOfSegment.length < dataset.segments.length) {
        ids.push(fileOfSegment.length);
        fileOfSegment.push(baseName(file));
      }
      segmentsOfFile.push(ids);
    }
    opts.indexName = (segmentId) => fileOfSegment[segmentId];
    for (const s of summaries) {
      if (s.problemTotal > 0) process.stderr.write(`quarry eql: ${s.file}: ${s.problemTotal} problem(s): ${Object.entries(s.problemCounts).map(([r, n]) => `${r} ×${n}`).join(", ")}\n`);
    }
    const mappings = p.flags.get("mapping") ?? [];
    for (let i = 0; i < mappings.length; i++) {
      const text = await readFile(mappings[i]!, "utf8");
      // One mapping for all files, or one per file in order.
      const fileIndex = mappings.length > 1 ? i : -1;
      const segmentIds = fileIndex < 0 ? undefined : segmentsOfFile[fileIndex] ?? [];
      try {
        applyMapping(dataset, text, segmentIds === undefined ? {} : { segmentIds });
      } catch (e) {
        process.stderr.write(`quarry eql: --mapping ${mappings[i]}: ${(e as Error).message}\n`);
        return 2;
      }
    }
    try {
      const response = runEql(dataset, query, opts);
      const filterPath = flag(p, "filter-path");
      const body = filterPath ? applyFilterPath(response, filterPath) : response;
      process.stdout.write(JSON.stringify(body, null, 2) + "\n");
      return 0;
    } catch (e) {
      if (e instanceof QueryError) {
        process.stderr.write(`quarry eql: ${formatQueryError(query, e)}\n`);
        return 1;
      }
      process.stderr.write(`quarry eql: ${(e as Error).message}\n`);
      return 1;
    }
  },
};

function wholeNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} needs a non-negative whole number, not ${text}`);
  return n;
}

function baseName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Elasticsearch's `filter_path`: comma-separated dotted paths; `-path` removes it, plain paths
 * keep only them (`*` matches one level).
 */
export function applyFilterPath(body: unknown, spec: string): unknown {
  const paths = spec.split(",").map((s) => s.trim()).filter(Boolean);
  const excludes = paths.filter((s) => s.startsWith("-")).map((s) => s.slice(1).split("."));
  const includes = paths.filter((s) => !s.startsWith("-")).map((s) => s.split("."));
  let out = body;
  if (includes.length) out = keep(out, includes) ?? {};
  for (const ex of excludes) out = drop(out, ex);
  return out;
}

function matches(seg: string, key: string): boolean {
  return seg === "*" || seg === key;
}

function keep(value: unknown, paths: string[][]): unknown {
  if (paths.some((p) => p.length === 0)) return value;
  if (Array.isArray(value)) return value.map((v) => keep(v, paths)).filter((v) => v !== undefined);
  if (value === null || typeof value !== "object") return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = paths.filter((p) => matches(p[0]!, k)).map((p) => p.slice(1));
    if (sub.length === 0) continue;
    const kept = keep(v, sub);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length ? out : undefined;
}

function drop(value: unknown, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => drop(v, path));
  if (value === null || typeof value !== "object" || path.length === 0) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!matches(path[0]!, k)) out[k] = v;
    else if (path.length > 1) out[k] = drop(v, path.slice(1));
  }
  return out;
}
