/**
 * `pnpm bench --clickhouse [--ch-events N] [--events N] [--reps N] [--ch-reps N] [--out FILE]`: loads N (default
 * 10M) generated events into a private clickhouse-server and times the stats / timechart /
 * sequence questions there beside the local engine at --events (default 1M), whose set is also
 * loaded into ClickHouse to cross-check every answer. --reps timed runs per question (default 5),
 * --ch-reps at scale (default 3). Writes results/clickhouse.json and .md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { haveClickHouse } from "@quarry/clickhouse";
import { clickhouseJson, clickhouseMarkdown } from "./clickhouse-report.ts";
import { runClickHouseBench } from "./clickhouse-run.ts";
import { watchMachine } from "./machine.ts";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = "usage: pnpm bench --clickhouse [--ch-events N] [--events N] [--reps N] [--ch-reps N] [--out FILE]";

interface Args {
  events: number;
  localEvents: number;
  reps: number;
  scaleReps: number;
  out: string;
}

function parse(argv: string[]): Args | string {
  const a: Args = { events: 10_000_000, localEvents: 1_000_000, reps: 5, scaleReps: 3, out: join(pkg, "results", "clickhouse.json") };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    const num = (v: string | undefined) => Number((v ?? "").replace(/_/g, ""));
    if (flag === "--clickhouse") continue;
    else if (flag === "--ch-events") a.events = num(value());
    else if (flag === "--events") a.localEvents = num(value());
    else if (flag === "--reps") a.reps = num(value());
    else if (flag === "--ch-reps") a.scaleReps = num(value());
    else if (flag === "--out") a.out = value() ?? "";
    else return `unknown argument ${flag}`;
  }
  if (!Number.isInteger(a.events) || a.events < 1000) return "--ch-events must be a whole number of at least 1000";
  if (!Number.isInteger(a.localEvents) || a.localEvents < 1000 || a.localEvents > 5_000_000) return "--events must be a whole number from 1000 to 5000000";
  if (!Number.isInteger(a.reps) || a.reps < 1) return "--reps must be a positive integer";
  if (!Number.isInteger(a.scaleReps) || a.scaleReps < 1) return "--ch-reps must be a positive integer";
  if (!a.out) return "--out needs a file";
  return a;
}

/** Runs the ClickHouse benchmark from the command line; resolves with the exit code. */
export async function clickhouseMain(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (typeof args === "string") {
    process.stderr.write(`bench: ${args}\n${USAGE}\n`);
    return 2;
  }
  if (!haveClickHouse) {
    process.stderr.write("bench: clickhouse-server is not installed (apt-get install -y clickhouse-server)\n");
    return 2;
  }
  const log = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  const machine = watchMachine();
  const result = await runClickHouseBench({ events: args.events, localEvents: args.localEvents, reps: args.reps, scaleReps: args.scaleReps, dataRoot: join(pkg, "data"), log });
  const { meta, line } = machine.finish({ seconds: true });
  const md = clickhouseMarkdown(result) + `\n${line}\n`;
  process.stdout.write("\n" + md);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(clickhouseJson(result, meta), null, 2) + "\n");
  writeFileSync(args.out.replace(/\.json$/, ".md"), md);
  log(`wrote ${args.out}`);
  return 0;
}
