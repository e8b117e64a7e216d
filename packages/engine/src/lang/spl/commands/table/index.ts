import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `table`: keeps the listed fields (wildcards allowed), in that order. */
export const table: SplCommand = {
  name: "table",
  syntax: "table <field|wildcard> ...",
  description: "Keeps only the listed fields, in the listed order; `ssl*` style wildcards expand to matching fields.",
  examples: ["table _time src dest ssl* count", "table _time host user CommandLine"],
  parse(cur) {
    const patterns = parseFieldList(cur);
    if (patterns.length === 0) throw cur.error("table needs at least one field");
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({ kind: "table", patterns });
  },
};
