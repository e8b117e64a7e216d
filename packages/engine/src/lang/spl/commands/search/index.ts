import type { Expr } from "../../../plan.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseSearch } from "../../search.ts";

/** `search`: filters events (or later results) with the search language. */
export const search: SplCommand = {
  name: "search",
  syntax: "search <terms | field=value | field!=value | field IN (...) | AND | OR | NOT | ( )> ...",
  description:
    "Keeps events matching the search terms: words and \"phrases\" match _raw case-insensitively with * wildcards; field=value compares case-insensitively; earliest=/latest= bound the time.",
  examples: ['search index=botsv2 sourcetype=stream:tcp ssl_issuer="C = US"', "search message!=false"],
  parse(cur, ctx) {
    const clause = parseSearch(cur.text, cur.pos, cur.end, ctx);
    cur.pos = cur.end;
    const args: Expr[] = [clause.where];
    // Later in a pipeline, time bounds filter the rows' _time (seconds).
    if (clause.timeRange.earliest !== null) args.push({ kind: "compare", op: ">=", left: { kind: "field", name: "_time" }, right: { kind: "literal", value: clause.timeRange.earliest / 1000 }, caseInsensitive: false });
    if (clause.timeRange.latest !== null) args.push({ kind: "compare", op: "<", left: { kind: "field", name: "_time" }, right: { kind: "literal", value: clause.timeRange.latest / 1000 }, caseInsensitive: false });
    return pipe({ kind: "where", expr: args.length === 1 ? args[0]! : { kind: "and", args } });
  },
};
