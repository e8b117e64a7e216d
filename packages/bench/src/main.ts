/**
 * `pnpm bench [--events 100000|1000000|5000000] [--quick] [--reps N] [--no-browser] [--no-peers] [--out FILE]`
 * (or `pnpm bench --clickhouse …`, see clickhouse-main.ts):
 * Quarry against DuckDB-wasm, native DuckDB and Arquero on the same generated events, answers
 * cross-checked; prints a Markdown table and writes results/latest.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBrowser } from "./browser.ts";
import { toJson, toMarkdown, type BrowserResult } from "./report.ts";
import { runBench, type RunOptions } from "./run.ts";
import { watchMachine } from "./machine.ts";

// `--clickhouse`: the ClickHouse benchmark (clickhouse-main.ts) instead of the peer comparison.
if (process.argv.slice(2).includes("--clickhouse")) {
  const { clickhouseMain } = await import("./clickhouse-main.ts");
  process.exit(await clickhouseMain(process.argv.slice(2)));
}

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: pnpm bench [--events 100000|1000000|5000000] [--quick] [--reps N] [--no-browser] [--no-peers] [--out FILE]\n`);
  process.exit(2);
}

/** Parses the command line; unknown flags are errors. */
function parse(argv: string[]): { events: number; reps: number; browser: boolean; peers: boolean; out: string } {
  let events = 1_000_000;
  let reps = 7;
  let browser = true;
  let peers = true;
  let out = join(pkg, "results", "latest.json");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === "--events") events = Number(value().replace(/_/g, ""));
    else if (a === "--quick") events = 100_000;
    else if (a === "--reps") reps = Number(value());
    else if (a === "--no-browser") browser = false;
    else if (a === "--no-peers") peers = false;
    else if (a === "--out") out = value();
    else usage(`unknown argument ${a}`);
  }
  if (![100_000, 1_000_000, 5_000_000].includes(events)) usage(`--events must be 100000, 1000000 or 5000000 (got ${events})`);
  if (!Number.isInteger(reps) || reps < 1) usage("--reps must be a positive integer");
  return { events, reps, browser, peers, out };
}

const args = parse(process.argv.slice(2));
const log = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const peers: RunOptions["peers"] = args.peers ? ["duckdb-wasm", "duckdb-native", "arquero"] : [];
const machine = watchMachine();
const result = await runBench({
  events: args.events,
  reps: args.reps,
  // Whole-dataset ingest is seconds per run at 1M: fewer timed runs there.
  ingestReps: args.events >= 1_000_000 ? 3 : args.reps,
  dataRoot: join(pkg, "data"),
  peers,
  log,
});
let browser: BrowserResult | null = null;
if (args.browser && args.events <= 1_000_000) browser = await runBrowser(result.data, args.reps, log, result.digests);
const finished = machine.finish();
const md = toMarkdown(result, peers, browser, args.reps) + `\n${finished.line}\n`;
process.stdout.write("\n" + md);
const meta = { ...finished.meta, reps: args.reps };
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, JSON.stringify(toJson(result, peers, browser, meta), null, 2) + "\n");
writeFileSync(args.out.replace(/\.json$/, ".md"), md);
log(`wrote ${args.out}`);
