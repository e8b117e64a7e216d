import type { SplCommand } from "./command.ts";
import { addtotals } from "./commands/addtotals/index.ts";
import { bin } from "./commands/bin/index.ts";
import { chart } from "./commands/chart/index.ts";
import { dedup } from "./commands/dedup/index.ts";
import { evalCommand } from "./commands/eval/index.ts";
import { fields } from "./commands/fields/index.ts";
import { fillnull } from "./commands/fillnull/index.ts";
import { foreach } from "./commands/foreach/index.ts";
import { head } from "./commands/head/index.ts";
import { inputlookup } from "./commands/inputlookup/index.ts";
import { lookup } from "./commands/lookup/index.ts";
import { makemv } from "./commands/makemv/index.ts";
import { metadata } from "./commands/metadata/index.ts";
import { mvexpand } from "./commands/mvexpand/index.ts";
import { rare } from "./commands/rare/index.ts";
import { rename } from "./commands/rename/index.ts";
import { reverse } from "./commands/reverse/index.ts";
import { rex } from "./commands/rex/index.ts";
import { search } from "./commands/search/index.ts";
import { sort } from "./commands/sort/index.ts";
import { spath } from "./commands/spath/index.ts";
import { eventstats, stats, streamstats } from "./commands/stats/index.ts";
import { tail } from "./commands/tail/index.ts";
import { table } from "./commands/table/index.ts";
import { timechart } from "./commands/timechart/index.ts";
import { top } from "./commands/top/index.ts";
import { transaction } from "./commands/transaction/index.ts";
import { tstats } from "./commands/tstats/index.ts";
import { untable } from "./commands/untable/index.ts";
import { where } from "./commands/where/index.ts";
import { xyseries } from "./commands/xyseries/index.ts";

/** Every supported SPL command, in documentation order. */
export const SPL_COMMANDS: SplCommand[] = [
  search, where, evalCommand, stats, eventstats, streamstats, timechart, chart, rex, table, fields, rename, sort, reverse,
  head, tail, dedup, top, rare, bin, untable, xyseries, addtotals, foreach, lookup, inputlookup, fillnull, mvexpand,
  makemv, spath, transaction, metadata, tstats,
];

const BY_NAME = new Map<string, SplCommand>();
for (const c of SPL_COMMANDS) {
  BY_NAME.set(c.name, c);
  for (const a of c.aliases ?? []) BY_NAME.set(a, c);
}

/** The command named `name` (case-insensitive), or undefined. */
export function splCommand(name: string): SplCommand | undefined {
  return BY_NAME.get(name.toLowerCase());
}
