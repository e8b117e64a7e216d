import { QueryError } from "../../../errors.ts";
import type { Expr } from "../../../plan.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { Cursor } from "../../cursor.ts";
import { parseExpr } from "../../expr.ts";
import { parseSearch } from "../../search.ts";
import { parseSpan } from "../../time.ts";
import { parseFieldList } from "../stats/aggregations.ts";

/** `transaction`: groups events sharing field values into transactions. */
export const transaction: SplCommand = {
  name: "transaction",
  syntax: 'transaction <field> ... [maxspan=<span>] [startswith="<search>"|(eval)] [endswith="<search>"|(eval)]',
  description: "Groups events with the same field values (in time order) into one row with duration and eventcount; maxspan bounds a group's span.",
  examples: ["transaction host maxspan=5m", 'transaction user startswith="login" endswith="logout"'],
  parse(cur, ctx) {
    const OPTS = ["maxspan", "startswith", "endswith", "maxpause", "maxevents", "keepevicted", "mvlist", "connected", "unifyends"];
    const fields = parseFieldList(cur, OPTS);
    let maxspanMs: number | null = null;
    let startswith: Expr | null = null;
    let endswith: Expr | null = null;
    for (;;) {
      cur.ws();
      if (cur.atEnd()) break;
      const m = /^(\w+)=/.exec(cur.text.slice(cur.pos, cur.end));
      if (!m || !OPTS.includes(m[1]!.toLowerCase())) throw cur.error(`unexpected "${cur.text.slice(cur.pos, cur.end).trim().split(/\s/)[0]}"`);
      const opt = m[1]!.toLowerCase();
      cur.pos += m[0].length;
      if (opt === "startswith" || opt === "endswith") {
        let e: Expr;
        if (cur.peek() === "(" || cur.lookingAtKeyword("eval")) {
          cur.eatKeyword("eval");
          cur.expect("(");
          e = parseExpr(cur);
          cur.expect(")");
        } else {
          const v = cur.value();
          if (!v) throw cur.error(`expected a value for ${opt}`);
          const inner = new Cursor(v.value, 0, v.value.length);
          e = parseSearch(inner.text, 0, inner.end, ctx).where;
        }
        if (opt === "startswith") startswith = e;
        else endswith = e;
        continue;
      }
      const v = cur.value();
      if (!v) throw cur.error(`expected a value for ${opt}`);
      if (opt !== "maxspan") throw new QueryError(`option ${opt}= is not supported`, { start: v.span.start - opt.length - 1, end: v.span.end });
      if (opt === "maxspan") {
        const p = parseSpan(v.value);
        if (!p) throw new QueryError(`bad maxspan "${v.value}"`, v.span);
        maxspanMs = p.ms;
      }
    }
    return pipe({ kind: "transaction", fields, maxspanMs, startswith, endswith });
  },
};
