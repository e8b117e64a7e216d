import { pipe, type SplCommand } from "../../command.ts";

/** `reverse`: reverses the order of the rows. */
export const reverse: SplCommand = {
  name: "reverse",
  syntax: "reverse",
  description: "Reverses the result order (events come newest first, so this lists oldest first).",
  examples: ["table _time host CommandLine | reverse"],
  parse(cur) {
    if (!cur.atEnd()) throw cur.error("reverse takes no arguments");
    return pipe({ kind: "reverse" });
  },
};
