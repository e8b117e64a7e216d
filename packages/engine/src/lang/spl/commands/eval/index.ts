import type { Expr } from "../../../plan.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseExpr } from "../../expr.ts";

/** `eval`: computes fields, one or more comma-separated assignments. */
export const evalCommand: SplCommand = {
  name: "eval",
  syntax: "eval <field>=<expression> [, <field>=<expression>] ...",
  description: "Sets fields from expressions, left to right (later assignments see earlier ones).",
  examples: ['eval APP=coalesce(app,Image)', 'eval firstTime=strftime(firstTime,"%c")', 'eval Parent=ParentProcessId."_".cmd, Child=ProcessId."_".APP'],
  parse(cur) {
    const assignments: Array<{ field: string; expr: Expr }> = [];
    for (;;) {
      cur.ws();
      let field: string;
      if (cur.peek() === "'" || cur.peek() === '"') {
        const q = cur.peek();
        const close = cur.text.indexOf(q, cur.pos + 1);
        if (close < 0 || close >= cur.end) throw cur.error("unterminated field name");
        field = cur.text.slice(cur.pos + 1, close);
        cur.pos = close + 1;
      } else {
        const m = /^[^\s=,()"']+/.exec(cur.text.slice(cur.pos, cur.end));
        if (!m) throw cur.error("expected field=expression", ["field"]);
        field = m[0];
        cur.pos += m[0].length;
      }
      if (cur.peek() === "=" && cur.peek(1) === "=") throw cur.error('eval assigns with "=", not "=="');
      cur.expect("=", '"=" after the field name');
      assignments.push({ field, expr: parseExpr(cur) });
      if (cur.eat(",")) continue;
      if (cur.atEnd()) break;
      throw cur.error(`unexpected "${cur.peek()}" in eval expression`);
    }
    return pipe({ kind: "eval", assignments });
  },
};
