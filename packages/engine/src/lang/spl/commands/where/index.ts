import { pipe, type SplCommand } from "../../command.ts";
import { parseExpr } from "../../expr.ts";

/** `where`: keeps rows whose eval expression is true. */
export const where: SplCommand = {
  name: "where",
  syntax: "where <eval-expression>",
  description: "Keeps the rows for which the eval expression is true (string comparisons are case-sensitive).",
  examples: ['where count > 10', 'where like(CommandLine, "%-enc%")', 'where isnotnull(src) AND dest_port=443'],
  parse(cur) {
    const expr = parseExpr(cur);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}" in where expression`);
    return pipe({ kind: "where", expr });
  },
};
