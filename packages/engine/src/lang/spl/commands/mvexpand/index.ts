import { parseInt10 } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";

/** `mvexpand`: one row per value of a multivalue field. */
export const mvexpand: SplCommand = {
  name: "mvexpand",
  syntax: "mvexpand <field> [limit=<n>]",
  description: "Copies each row once per value of the multivalue field.",
  examples: ["mvexpand dest"],
  parse(cur) {
    const o = cur.options(["limit"]);
    const f = cur.field().value;
    for (const [k, v] of cur.options(["limit"])) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({ kind: "mvexpand", field: f, limit: o.has("limit") ? parseInt10(o.get("limit")!, "limit") : null });
  },
};
