import { rejectOptions } from "../../cursor.ts";
import type { SplCommand } from "../../command.ts";

/** `inputlookup`: the rows of a registered lookup table. */
export const inputlookup: SplCommand = {
  name: "inputlookup",
  generating: true,
  syntax: "| inputlookup <table>",
  description: "Returns every row of a CSV lookup table registered on the dataset (assets, identities...).",
  examples: ["| inputlookup assets | search category=server"],
  parse(cur) {
    rejectOptions(cur.options(["append", "start", "max"]), ["append", "start", "max"]);
    const table = cur.field("a lookup table name").value;
    if (cur.lookingAtKeyword("where")) throw cur.error("inputlookup ... where is not supported (pipe to search)");
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return { kind: "source", source: { kind: "lookupTable", table } };
  },
};
