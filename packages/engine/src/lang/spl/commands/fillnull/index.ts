import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `fillnull`: replaces missing values with a value (default 0). */
export const fillnull: SplCommand = {
  name: "fillnull",
  syntax: "fillnull [value=<v>] [<field> ...]",
  description: "Fills empty fields with the value (default 0): the listed fields, or every field of the result.",
  examples: ["fillnull value=0", 'fillnull value="unknown" user'],
  parse(cur) {
    const o = cur.options(["value"]);
    const fields = parseFieldList(cur);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({ kind: "fillnull", value: o.get("value")?.value ?? "0", fields });
  },
};
