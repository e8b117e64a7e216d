import type { Expr, SortKey } from "../../../plan.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { splFunctionName } from "../../expr.ts";

/** `sort`: orders rows; numbers compare numerically, text lexicographically; `-` descends. */
export const sort: SplCommand = {
  name: "sort",
  syntax: "sort [<limit>] [+|-]<field> | num(<field>) | str(<field>) ... [desc]",
  description: "Sorts rows by the listed keys (numeric when both values are numbers). Default limit 10000; `sort 0` keeps every row.",
  examples: ["sort - count", "sort -Total", "sort 0 _time"],
  parse(cur) {
    let limit: number | undefined = 10000;
    cur.ws();
    const lim = /^(\d+)(?=\s|$)/.exec(cur.text.slice(cur.pos, cur.end));
    if (lim) {
      limit = Number(lim[1]) === 0 ? undefined : Number(lim[1]);
      cur.pos += lim[0].length;
    }
    const keys: SortKey[] = [];
    let sticky: boolean | null = null;
    for (;;) {
      cur.ws();
      cur.eat(",");
      if (cur.atEnd()) break;
      if (cur.lookingAtKeyword("desc") || cur.lookingAtKeyword("d")) {
        cur.pos += cur.lookingAtKeyword("desc") ? 4 : 1;
        for (const k of keys) k.descending = !k.descending;
        continue;
      }
      let descending = sticky ?? false;
      if (cur.eat("-")) descending = sticky = true;
      else if (cur.eat("+")) {
        descending = false;
        sticky = false;
      }
      cur.ws();
      let expr: Expr;
      const fn = /^(num|str|ip|auto)\(/i.exec(cur.text.slice(cur.pos, cur.end));
      if (fn) {
        cur.pos += fn[0].length;
        const f = cur.field();
        cur.expect(")");
        const field: Expr = { kind: "field", name: f.value, span: f.span };
        const kind = fn[1]!.toLowerCase();
        expr = kind === "num" ? { kind: "call", name: splFunctionName("tonumber"), args: [field] } : kind === "str" ? { kind: "call", name: splFunctionName("tostring"), args: [field] } : field;
      } else {
        const f = cur.field("a field to sort by");
        expr = { kind: "field", name: f.value, span: f.span };
      }
      keys.push({ expr, descending });
    }
    if (keys.length === 0) throw cur.error("sort needs a field");
    return pipe(limit === undefined ? { kind: "sort", keys } : { kind: "sort", keys, limit });
  },
};
