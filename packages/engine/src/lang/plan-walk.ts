/**
 * Walking every expression an EQL plan evaluates: for passes that ask which fields a query reads
 * (unknown-field warnings, the columns a remote run fetches). SPL-only sources and pipes are not
 * walked: the walk reports them instead, so a caller that needs the complete list can give up.
 */
import { assertNever, type Expr, type Pipe, type QueryPlan, type Source } from "./plan.ts";

/**
 * Calls `visit` on every expression node of the plan's EQL source and pipes, parents before
 * children (the query of a `lineage` node included). Returns false when the plan has a source or
 * pipe whose expressions are not walked (SPL metadata/lookup/tstats sources, SPL pipes).
 */
export function walkPlanExprs(plan: QueryPlan, visit: (e: Expr) => void): boolean {
  const expr = (e: Expr): void => {
    visit(e);
    switch (e.kind) {
      case "field":
      case "literal":
      case "term":
      case "lambdaVar":
        return;
      case "not":
      case "isNull":
      case "neg":
        return expr(e.arg);
      case "and":
      case "or":
      case "call":
        return e.args.forEach(expr);
      case "compare":
      case "arith":
        expr(e.left);
        return expr(e.right);
      case "wildcard":
      case "regex":
        return expr(e.target);
      case "in":
        expr(e.target);
        return e.values.forEach(expr);
      case "lineage":
        return expr(e.query);
      case "lambda":
        return expr(e.body);
      default:
        return assertNever(e);
    }
  };
  let complete = walkSource(plan.source, expr);
  for (const p of plan.pipes) complete = walkPipe(p, expr) && complete;
  return complete;
}

function walkSource(s: Source, expr: (e: Expr) => void): boolean {
  const stage = (st: { where: Expr; keys: Expr[] }): void => {
    expr(st.where);
    st.keys.forEach(expr);
  };
  switch (s.kind) {
    case "events":
      expr(s.where);
      return true;
    case "sequence":
    case "join":
      s.stages.forEach(stage);
      if (s.until) stage(s.until);
      return true;
    case "sample":
      s.stages.forEach(stage);
      return true;
    case "metadata":
    case "lookupTable":
    case "tstats":
      return false;
    default:
      return assertNever(s);
  }
}

function walkPipe(p: Pipe, expr: (e: Expr) => void): boolean {
  switch (p.kind) {
    case "head":
      if (p.while) expr(p.while);
      return true;
    case "tail":
      return true;
    case "where":
      expr(p.expr);
      return true;
    case "sort":
      p.keys.forEach((k) => expr(k.expr));
      return true;
    case "count":
    case "unique":
    case "uniqueCount":
      p.fields.forEach(expr);
      return true;
    case "eval":
    case "stats":
    case "timechart":
    case "chart":
    case "top":
    case "rare":
    case "dedup":
    case "fields":
    case "table":
    case "rename":
    case "reverse":
    case "rex":
    case "bin":
    case "untable":
    case "xyseries":
    case "addtotals":
    case "fillnull":
    case "mvexpand":
    case "makemv":
    case "spath":
    case "lookup":
    case "foreach":
    case "transaction":
      return false;
    default:
      return assertNever(p);
  }
}
