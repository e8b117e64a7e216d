import { rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `xyseries`: pivots (row, column, value) rows into a wide table. */
export const xyseries: SplCommand = {
  name: "xyseries",
  syntax: "xyseries <row-field> <column-field> <value-field> ...",
  description: "One row per row-field value and one column per column-field value, holding the value field.",
  examples: ["xyseries log time count"],
  parse(cur) {
    rejectOptions(cur.options(["grouped", "sep", "format"]), ["grouped", "sep", "format"]);
    const list = parseFieldList(cur);
    if (list.length < 3) throw cur.error("xyseries needs <row-field> <column-field> <value-field>");
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({ kind: "xyseries", rowField: list[0]!, columnField: list[1]!, valueFields: list.slice(2) });
  },
};
