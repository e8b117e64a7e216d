import { parseBool, rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `dedup`: keeps the first row of each combination of field values. */
export const dedup: SplCommand = {
  name: "dedup",
  syntax: "dedup [<n>] <field> ... [keepempty=<bool>] [consecutive=<bool>]",
  description: "Keeps the first row for each distinct combination of the fields; rows missing a field are dropped unless keepempty=true.",
  examples: ["dedup host", "dedup src_ip dest_ip"],
  parse(cur) {
    const w = /^\d+(?=\s)/.exec(cur.ws().text.slice(cur.pos, cur.end));
    if (w) cur.pos += w[0].length;
    const o = cur.options(["keepempty", "consecutive", "keepevents"]);
    const fields = parseFieldList(cur, ["sortby"]);
    for (const [k, v] of cur.options(["keepempty", "consecutive", "keepevents"])) o.set(k, v);
    if (cur.lookingAtKeyword("sortby")) throw cur.error("dedup sortby is not supported (sort first)");
    if (fields.length === 0) throw cur.error("dedup needs a field");
    rejectOptions(o, ["keepevents"]);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({
      kind: "dedup",
      fields,
      keepEmpty: o.has("keepempty") ? parseBool(o.get("keepempty")!) : false,
      consecutive: o.has("consecutive") ? parseBool(o.get("consecutive")!) : false,
    });
  },
};
