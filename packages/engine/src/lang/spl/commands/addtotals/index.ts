import { parseBool } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `addtotals`: adds a row-sum column (and optionally a column-sum row). */
export const addtotals: SplCommand = {
  name: "addtotals",
  syntax: "addtotals [row=<bool>] [col=<bool>] [labelfield=<field> [label=<text>]] [fieldname=<name>] [<field> ...]",
  description: "Adds a Total field with the sum of each row's numeric fields (or the listed ones); col=t adds a summary row.",
  examples: ["addtotals", "addtotals col=t fieldname=sum count*"],
  parse(cur) {
    const OPTS = ["row", "col", "fieldname", "labelfield", "label"];
    const o = cur.options(OPTS);
    const fields = parseFieldList(cur);
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({
      kind: "addtotals",
      row: o.has("row") ? parseBool(o.get("row")!) : true,
      col: o.has("col") ? parseBool(o.get("col")!) : false,
      fieldname: o.get("fieldname")?.value ?? "Total",
      fields,
      ...(o.has("labelfield") ? { labelField: o.get("labelfield")!.value, label: o.get("label")?.value ?? "Total" } : {}),
    });
  },
};
