import { pipe, type SplCommand } from "../../command.ts";

/** `tail`: the last N rows (default 10), last first. */
export const tail: SplCommand = {
  name: "tail",
  syntax: "tail [<n>]",
  description: "Keeps the last N rows (default 10), in reverse order as Splunk returns them.",
  examples: ["tail 5"],
  parse(cur) {
    let n = 10;
    const w = /^\d+/.exec(cur.ws().text.slice(cur.pos, cur.end));
    if (w) {
      n = Number(w[0]);
      cur.pos += w[0].length;
    }
    if (!cur.atEnd()) throw cur.error("tail takes a number");
    return pipe({ kind: "tail", n });
  },
};
