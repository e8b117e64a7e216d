import { QueryError } from "../../../errors.ts";
import { parseBool, parseInt10, rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseSpan } from "../../time.ts";
import { parseAggregations } from "../stats/aggregations.ts";

const OPTS = ["span", "limit", "useother", "usenull", "bins", "partial", "cont", "fixedrange", "minspan", "otherstr", "nullstr", "agg", "format", "sep", "aligntime"];

/** `timechart`: aggregates per time bucket, optionally split by a field into columns. */
export const timechart: SplCommand = {
  name: "timechart",
  syntax: "timechart [span=<n><unit>] [limit=<n>] [useother=<bool>] [usenull=<bool>] <agg> ... [by <field>]",
  description:
    "One row per time bucket (_time), one column per aggregation or per BY value (top `limit` by total, default 10, the rest in OTHER). Without span Splunk's automatic span gives at most 100 buckets.",
  examples: ["timechart span=1h count by sourcetype", 'timechart count(eval(searchmatch("tcp"))) as tcp count(eval(dest_port==443)) as https'],
  parse(cur) {
    const o = cur.options(OPTS);
    const aggregations = parseAggregations(cur, ["by", ...OPTS]);
    const o2 = cur.options(OPTS);
    let by: string | null = null;
    if (cur.eatKeyword("by")) by = cur.field("a field after BY").value;
    const o3 = cur.options(OPTS);
    for (const m of [o2, o3]) for (const [k, v] of m) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.text.slice(cur.pos, cur.end).trim()}" (timechart splits by one field)`);
    rejectOptions(o, ["bins", "cont", "fixedrange", "minspan", "otherstr", "nullstr", "agg", "format", "sep", "aligntime"]);
    let spanMs: number | null = null;
    const span = o.get("span");
    if (span) {
      const p = parseSpan(span.value);
      if (!p) throw new QueryError(`bad span "${span.value}" (e.g. 30m, 1h, 1d)`, span.span);
      spanMs = p.ms;
    }
    const limit = o.has("limit") ? parseInt10(o.get("limit")!, "limit") : 10;
    return pipe({
      kind: "timechart",
      spanMs,
      aggregations,
      by,
      limit,
      useOther: o.has("useother") ? parseBool(o.get("useother")!) : true,
      useNull: o.has("usenull") ? parseBool(o.get("usenull")!) : true,
    });
  },
};
