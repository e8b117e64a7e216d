import { QueryError } from "../../../errors.ts";
import { parseBool, rejectOptions } from "../../cursor.ts";
import type { SplCommand } from "../../command.ts";
import { parseSearch } from "../../search.ts";
import { parseSpan } from "../../time.ts";
import { parseAggregations, parseFieldList } from "../stats/aggregations.ts";

/** `tstats`: statistics over indexed fields (index, sourcetype, source, host, _time). */
export const tstats: SplCommand = {
  name: "tstats",
  generating: true,
  syntax: "| tstats [prestats=<bool>] <agg> ... [where <search>] [by <field> ... [span=<span>]]",
  description: "Aggregates over the indexed fields without reading events. Data models (from datamodel=...) are not supported.",
  examples: ["| tstats count where index=botsv2 by sourcetype", "| tstats count WHERE (index=botsv2) BY sourcetype _time span=1d prestats=t"],
  parse(cur, ctx) {
    const OPTS = ["prestats", "summariesonly", "allow_old_summaries", "local", "append", "chunk_size", "fillnull_value", "include_reduced_buckets"];
    const o = cur.options(OPTS);
    if (cur.lookingAtKeyword("from")) throw cur.error("tstats from datamodel=... is not supported (no accelerated data models)");
    const aggregations = parseAggregations(cur, ["where", "by", "from", ...OPTS]);
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (cur.lookingAtKeyword("from")) throw cur.error("tstats from datamodel=... is not supported (no accelerated data models)");
    let where = null;
    let timeRange = undefined;
    if (cur.eatKeyword("where")) {
      // The where clause runs up to BY (outside quotes and parentheses).
      const start = cur.pos;
      let end = cur.end;
      let depth = 0;
      for (let i = start; i < cur.end; i++) {
        const c = cur.text[i]!;
        if (c === '"') {
          i++;
          while (i < cur.end && cur.text[i] !== '"') i += cur.text[i] === "\\" ? 2 : 1;
        } else if (c === "(") depth++;
        else if (c === ")") depth--;
        else if (depth === 0 && /\s/.test(cur.text[i - 1] ?? " ") && /^by\s/i.test(cur.text.slice(i, i + 3))) {
          end = i;
          break;
        }
      }
      const clause = parseSearch(cur.text, start, end, ctx);
      where = clause.where;
      timeRange = clause.timeRange;
      cur.pos = end;
    }
    let by: string[] = [];
    let spanMs: number | null = null;
    if (cur.eatKeyword("by")) by = parseFieldList(cur, ["span", ...OPTS]);
    for (const [k, v] of cur.options(["span", ...OPTS])) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.text.slice(cur.pos, cur.end).trim()}"`);
    rejectOptions(o, ["append", "fillnull_value"]);
    const span = o.get("span");
    if (span) {
      const p = parseSpan(span.value);
      if (!p) throw new QueryError(`bad span "${span.value}"`, span.span);
      spanMs = p.ms;
    }
    const prestats = o.has("prestats") ? parseBool(o.get("prestats")!) : false;
    return {
      kind: "source",
      source: { kind: "tstats", where: where ?? { kind: "literal", value: true }, aggregations, by, spanMs, prestats },
      ...(timeRange ? { timeRange } : {}),
    };
  },
};
