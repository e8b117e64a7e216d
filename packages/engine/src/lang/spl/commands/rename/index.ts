import { pipe, type SplCommand } from "../../command.ts";

/** `rename`: renames fields; `*` in both names carries the matched part. */
export const rename: SplCommand = {
  name: "rename",
  syntax: "rename <field> as <new> [, <field> as <new>] ...",
  description: "Renames fields. With wildcards (`Processes.* as *`) the part matched by * is kept.",
  examples: ["rename host as dest", "rename Processes.* as *"],
  parse(cur) {
    const pairs: Array<{ from: string; to: string }> = [];
    for (;;) {
      cur.ws();
      cur.eat(",");
      if (cur.atEnd()) break;
      const from = cur.field("a field to rename").value;
      if (!cur.eatKeyword("as")) throw cur.error('expected "as"', ["as"]);
      const to = cur.field("the new name").value;
      pairs.push({ from, to });
    }
    if (pairs.length === 0) throw cur.error("rename needs <field> as <new>");
    return pipe({ kind: "rename", pairs });
  },
};
