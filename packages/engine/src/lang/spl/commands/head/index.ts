import { QueryError } from "../../../errors.ts";
import { parseInt10, rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseExpr } from "../../expr.ts";

/** `head`: the first N rows (default 10), or rows while a condition holds. */
export const head: SplCommand = {
  name: "head",
  syntax: "head [<n> | limit=<n>] [(<eval-expression>)]",
  description: "Keeps the first N rows (default 10); with an expression, rows until it is false.",
  examples: ["head 5", "head (count > 10)"],
  parse(cur) {
    let n = 10;
    const o = cur.options(["limit", "null", "keeplast"]);
    rejectOptions(o, ["null", "keeplast"]);
    if (o.has("limit")) n = parseInt10(o.get("limit")!, "limit");
    const w = /^\d+/.exec(cur.ws().text.slice(cur.pos, cur.end));
    if (w) {
      n = Number(w[0]);
      cur.pos += w[0].length;
    }
    if (!cur.atEnd()) {
      if (cur.peek() !== "(") throw new QueryError(`head takes a number, found "${cur.text.slice(cur.pos, cur.end).trim()}"`, { start: cur.pos, end: cur.end });
      const expr = parseExpr(cur);
      if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
      return pipe({ kind: "head", n: o.has("limit") || w ? n : Number.MAX_SAFE_INTEGER, while: expr });
    }
    return pipe({ kind: "head", n });
  },
};
