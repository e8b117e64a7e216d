import { pipe, type SplCommand } from "../../command.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `fields`: keeps (`+`, default) or removes (`-`) fields by name or wildcard. */
export const fields: SplCommand = {
  name: "fields",
  syntax: "fields [+|-] <field|wildcard> ...",
  description: "Keeps the listed fields (plus _time/_raw while rows are events) or, with `-`, removes them.",
  examples: ["fields - total*", "fields host, user, CommandLine"],
  parse(cur) {
    let mode: "keep" | "remove" = "keep";
    if (cur.eat("-")) mode = "remove";
    else cur.eat("+");
    const patterns = parseFieldList(cur);
    if (patterns.length === 0) throw cur.error("fields needs at least one field");
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({ kind: "fields", mode, patterns });
  },
};
