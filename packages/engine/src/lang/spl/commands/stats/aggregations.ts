import { QueryError } from "../../../errors.ts";
import type { Aggregation, Expr } from "../../../plan.ts";
import type { Cursor } from "../../cursor.ts";
import { parseExpr } from "../../expr.ts";

const SIMPLE = new Set([
  "count", "c", "dc", "distinct_count", "sum", "avg", "mean", "min", "max", "values", "list", "earliest", "latest",
  "first", "last", "median", "stdev", "stdevp", "var", "varp", "range", "mode", "earliest_time", "latest_time", "sumsq",
]);

/** Canonical aggregation name (c → count, mean → avg, p95/exactperc95 → perc95), or null when unknown. */
export function canonicalAgg(name: string): string | null {
  const n = name.toLowerCase();
  if (n === "c") return "count";
  if (n === "distinct_count") return "dc";
  if (n === "mean") return "avg";
  if (SIMPLE.has(n)) return n;
  const p = /^(?:perc|p|exactperc|upperperc)(\d+(?:\.\d+)?)$/.exec(n);
  if (p && Number(p[1]) <= 100) return `perc${p[1]}`;
  return null;
}

/** Whether the word at the cursor ends the aggregation list (`by`, `over`, options...). */
function atStop(cur: Cursor, stops: string[]): boolean {
  if (cur.atEnd()) return true;
  return stops.some((s) => cur.lookingAtKeyword(s));
}

/**
 * Parses `count`, `dc(x)`, `count(eval(expr))`, `perc95(x)`... each with an optional `as name`,
 * separated by spaces or commas, until one of `stops`. Unnamed outputs are named as written.
 */
export function parseAggregations(cur: Cursor, stops: string[] = ["by"]): Aggregation[] {
  const out: Aggregation[] = [];
  for (;;) {
    cur.ws();
    cur.eat(",");
    if (atStop(cur, stops)) break;
    const start = cur.pos;
    const w = /^[A-Za-z_][\w]*/.exec(cur.text.slice(cur.pos, cur.end));
    if (!w) throw cur.error("expected an aggregation such as count, dc(field), values(field)");
    const fn = canonicalAgg(w[0]);
    if (!fn) throw new QueryError(`unknown aggregation "${w[0]}"`, { start, end: start + w[0].length }, ["count", "dc", "sum", "avg", "values"]);
    cur.pos += w[0].length;
    let arg: Expr | null = null;
    if (cur.peek() === "(") {
      cur.pos++;
      cur.ws();
      if (cur.lookingAtKeyword("eval") && cur.text.slice(cur.pos + 4, cur.end).trimStart().startsWith("(")) {
        cur.pos += 4;
        cur.expect("(");
        arg = parseExpr(cur);
        cur.expect(")");
      } else {
        const f = cur.value();
        if (!f) throw cur.error("expected a field name");
        arg = { kind: "field", name: f.value, span: f.span };
      }
      cur.expect(")");
    } else if (fn !== "count") {
      throw cur.error(`${w[0]} needs a field: ${w[0]}(field)`, ["("]);
    }
    let as = cur.text.slice(start, cur.pos).replace(/\s+/g, "");
    if (fn === "count" && arg === null) as = "count";
    if (cur.eatKeyword("as")) as = cur.field("a name after AS").value;
    out.push({ fn, arg, as });
  }
  if (out.length === 0) throw cur.error("expected at least one aggregation", ["count"]);
  return out;
}

/** Parses a `by` field list: names separated by spaces or commas until `stops` or the end. */
export function parseFieldList(cur: Cursor, stops: string[] = []): string[] {
  const out: string[] = [];
  for (;;) {
    cur.ws();
    cur.eat(",");
    if (cur.atEnd() || stops.some((s) => cur.lookingAtKeyword(s))) break;
    const save = cur.pos;
    const v = cur.value();
    if (!v) break;
    if (cur.peek() === "=") {
      cur.pos = save;
      break;
    }
    out.push(v.value);
  }
  return out;
}
