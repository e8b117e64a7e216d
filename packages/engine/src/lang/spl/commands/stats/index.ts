import { rejectOptions } from "../../cursor.ts";
import { QueryError } from "../../../errors.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseAggregations, parseFieldList } from "./aggregations.ts";

function statsLike(name: "stats" | "eventstats" | "streamstats", description: string, examples: string[]): SplCommand {
  return {
    name,
    syntax: `${name} <agg>[(field)] [as name] ... [by field ...]`,
    description,
    examples,
    parse(cur) {
      const o = cur.options(["allnum", "delim", "partitions", "window", "current", "global", "reset_on_change", "time_window", "dedup_splitvals"]);
      rejectOptions(o, ["allnum", "window", "current", "global", "reset_on_change", "time_window"]);
      const aggregations = parseAggregations(cur, ["by"]);
      let by: string[] = [];
      if (cur.eatKeyword("by")) {
        by = parseFieldList(cur);
        if (by.length === 0) throw cur.error("expected fields after BY");
      }
      if (!cur.atEnd()) throw new QueryError(`unexpected "${cur.text.slice(cur.pos, cur.end).trim()}"`, { start: cur.pos, end: cur.end });
      return pipe({ kind: "stats", aggregations, by, mode: name });
    },
  };
}

/** `stats`: aggregates events into one row per group. */
export const stats = statsLike("stats", "Aggregates the results into one row per combination of BY values.", [
  "stats count by host",
  "stats count earliest(_time) as firstTime latest(_time) as lastTime by src_ip, dest_ip",
]);
/** `eventstats`: adds group aggregates to every row. */
export const eventstats = statsLike("eventstats", "Adds aggregates of each row's group to every row, keeping the rows.", [
  "eventstats count as total by process_exec",
]);
/** `streamstats`: running aggregates in result order. */
export const streamstats = statsLike("streamstats", "Adds running aggregates (up to and including each row) in result order.", [
  "streamstats count by host",
]);
