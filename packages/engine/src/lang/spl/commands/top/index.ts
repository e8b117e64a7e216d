import { parseBool, parseInt10, rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

const OPTS = ["limit", "showperc", "showcount", "countfield", "percentfield", "useother", "otherstr"];

/** Parser shared by `top` (most common) and `rare` (least common). */
export function topLike(kind: "top" | "rare"): SplCommand {
  return {
    name: kind,
    syntax: `${kind} [<n>] [limit=<n>] [showperc=<bool>] [showcount=<bool>] <field> ... [by <field> ...]`,
    description: `The ${kind === "top" ? "most" : "least"} common values of the fields with count and percent (default 10 rows).`,
    examples: [`${kind} limit=5 process_exec`, `${kind} dest_port by src`],
    parse(cur) {
      let limit = 10;
      const o = cur.options(OPTS);
      const w = /^\d+(?=\s)/.exec(cur.ws().text.slice(cur.pos, cur.end));
      if (w) {
        limit = Number(w[0]);
        cur.pos += w[0].length;
      }
      for (const [k, v] of cur.options(OPTS)) o.set(k, v);
      const fields = parseFieldList(cur, ["by", ...OPTS]);
      for (const [k, v] of cur.options(OPTS)) o.set(k, v);
      let by: string[] = [];
      if (cur.eatKeyword("by")) by = parseFieldList(cur, OPTS);
      for (const [k, v] of cur.options(OPTS)) o.set(k, v);
      if (fields.length === 0) throw cur.error(`${kind} needs a field`);
      if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
      rejectOptions(o, ["useother", "otherstr"]);
      if (o.has("limit")) limit = parseInt10(o.get("limit")!, "limit");
      return pipe({
        kind,
        fields,
        by,
        limit,
        showPercent: o.has("showperc") ? parseBool(o.get("showperc")!) : true,
        showCount: o.has("showcount") ? parseBool(o.get("showcount")!) : true,
        ...(o.has("countfield") ? { countField: o.get("countfield")!.value } : {}),
        ...(o.has("percentfield") ? { percentField: o.get("percentfield")!.value } : {}),
      });
    },
  };
}

/** `top`: most common values. */
export const top = topLike("top");
