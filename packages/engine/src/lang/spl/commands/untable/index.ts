import { pipe, type SplCommand } from "../../command.ts";

/** `untable`: turns a wide table into (row, column, value) triples. */
export const untable: SplCommand = {
  name: "untable",
  syntax: "untable <row-field> <column-name-field> <value-field>",
  description: "The inverse of xyseries: each non-row field of each row becomes one row (row, field name, value).",
  examples: ["untable _time log count"],
  parse(cur) {
    const a = cur.field("the row field").value;
    cur.eat(",");
    const b = cur.field("the column-name field").value;
    cur.eat(",");
    const c = cur.field("the value field").value;
    if (!cur.atEnd()) throw cur.error("untable takes exactly three fields");
    return pipe({ kind: "untable", rowField: a, columnField: b, valueField: c });
  },
};
