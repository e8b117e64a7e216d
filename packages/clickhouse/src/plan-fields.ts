/**
 * The fields an EQL plan reads, so the first phase of a remote run (see `two-phase.ts`) fetches
 * only their columns for the local executor. Every field node counts (optional `?x` ones, fields
 * of `events[N]`, lambda variables — harmless extras), and `_raw` is asked for when a node reads
 * the raw text (`_raw` itself, SPL-style terms). A plan whose reads cannot be listed from its
 * nodes — lineage, which walks process trees through fields the executor chooses, or any pipe
 * that is not an EQL pipe — gives null: the caller then fetches whole events, as before.
 */
import { assertNever, type Expr, type Pipe, type QueryPlan, type Source } from "@quarry/engine";

/** What a plan reads. */
export interface PlanFields {
  /** Field names as the query writes them (resolved per segment later: stored column, alias, object parts). */
  names: Set<string>;
  /** Whether the raw text is read. */
  raw: boolean;
}

class CannotList extends Error {}

/** The fields `plan` reads, or null when they cannot be listed from its nodes. */
export function planFields(plan: QueryPlan): PlanFields | null {
  const out: PlanFields = { names: new Set(), raw: false };
  const name = (n: string): void => {
    if (n === "_raw") out.raw = true;
    else out.names.add(n);
    // A sequence pipe may name `events[N].field` in the name itself.
    const m = /^events\[\d+\]\.(.+)$/.exec(n);
    if (m) name(m[1]!);
  };
  try {
    source(plan.source, (e) => expr(e, name, out));
    for (const p of plan.pipes) pipe(p, (e) => expr(e, name, out));
  } catch (e) {
    if (e instanceof CannotList) return null;
    throw e;
  }
  return out;
}

function expr(e: Expr, name: (n: string) => void, out: PlanFields): void {
  const walk = (x: Expr): void => expr(x, name, out);
  switch (e.kind) {
    case "field":
      return name(e.name);
    case "literal":
      return;
    case "term":
      // A term matches the raw text.
      out.raw = true;
      return;
    case "lambdaVar":
      name(e.param);
      if (e.path) name(`${e.param}.${e.path}`);
      return;
    case "lambda":
      name(e.param);
      return walk(e.body);
    case "not":
    case "isNull":
    case "neg":
      return walk(e.arg);
    case "and":
    case "or":
    case "call":
      return e.args.forEach(walk);
    case "compare":
    case "arith":
      walk(e.left);
      return walk(e.right);
    case "wildcard":
    case "regex":
      return walk(e.target);
    case "in":
      walk(e.target);
      return e.values.forEach(walk);
    case "lineage":
      throw new CannotList();
    default:
      return assertNever(e);
  }
}

function source(s: Source, walk: (e: Expr) => void): void {
  const stage = (st: { where: Expr; keys: Expr[] }): void => {
    walk(st.where);
    st.keys.forEach(walk);
  };
  switch (s.kind) {
    case "events":
      return walk(s.where);
    case "sequence":
      s.stages.forEach(stage);
      if (s.until) stage(s.until);
      return;
    case "sample":
      return s.stages.forEach(stage);
    case "join":
      s.stages.forEach(stage);
      if (s.until) stage(s.until);
      return;
    case "metadata":
    case "lookupTable":
    case "tstats":
      throw new CannotList();
    default:
      return assertNever(s);
  }
}

function pipe(p: Pipe, walk: (e: Expr) => void): void {
  switch (p.kind) {
    case "head":
      if (p.while) walk(p.while);
      return;
    case "tail":
      return;
    case "where":
      return walk(p.expr);
    case "sort":
      return p.keys.forEach((k) => walk(k.expr));
    case "count":
    case "unique":
    case "uniqueCount":
      return p.fields.forEach(walk);
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
      // SPL pipes: not part of an EQL plan; refuse rather than guess what they read.
      throw new CannotList();
    default:
      return assertNever(p);
  }
}
