import { parseBool, parseInt10, rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseAggregations } from "../stats/aggregations.ts";

const OPTS = ["limit", "useother", "usenull", "otherstr", "nullstr", "sep", "format", "cont", "agg"];

/** `chart`: aggregates over one field (rows) and optionally by another (columns). */
export const chart: SplCommand = {
  name: "chart",
  syntax: "chart [usenull=<bool>] [useother=<bool>] [limit=<n>] <agg> ... over <row-field> [by <column-field>]",
  description:
    "One row per OVER value, one column per aggregation, or per aggregation:BY value (`count: ftp.exe`) when several aggregations are split.",
  examples: ["chart usenull=f count values(total) as total over host by process_exec", "chart count by host, sourcetype"],
  parse(cur) {
    const o = cur.options(OPTS);
    const aggregations = parseAggregations(cur, ["over", "by"]);
    let over: string;
    let by: string | null = null;
    if (cur.eatKeyword("over")) {
      over = cur.field("a field after OVER").value;
      if (cur.eatKeyword("by")) by = cur.field("a field after BY").value;
    } else if (cur.eatKeyword("by")) {
      over = cur.field("a field after BY").value;
      cur.eat(",");
      const next = cur.value();
      if (next) by = next.value;
    } else throw cur.error("chart needs OVER <field> or BY <field>", ["over", "by"]);
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.text.slice(cur.pos, cur.end).trim()}"`);
    rejectOptions(o, ["otherstr", "nullstr", "sep", "format", "cont", "agg"]);
    return pipe({
      kind: "chart",
      aggregations,
      over,
      by,
      limit: o.has("limit") ? parseInt10(o.get("limit")!, "limit") : 10,
      useOther: o.has("useother") ? parseBool(o.get("useother")!) : true,
      useNull: o.has("usenull") ? parseBool(o.get("usenull")!) : true,
    });
  },
};
