import { assertNever, type Pipe } from "../../lang/plan.ts";
import { collectFields } from "../../lang/spl/expr.ts";

/**
 * The event fields a pipeline can read, or null when it may read any (it ends with events, or a
 * pipe works on "every field": wildcards, foreach, transaction...). Scanning stops at the first
 * transforming pipe, after which rows are aggregates rather than events. Materialising only these
 * fields keeps `search | eval | stats` from copying every column of every matching event.
 */
export function neededFields(pipes: Pipe[]): Set<string> | null {
  const out = new Set<string>(["_time", "_raw"]);
  const add = (names: string[]) => {
    for (const n of names) out.add(n);
  };
  const wild = (names: string[]) => names.some((n) => n.includes("*"));
  for (const p of pipes) {
    switch (p.kind) {
      case "where":
        collectFields(p.expr, out);
        break;
      case "eval":
        for (const a of p.assignments) collectFields(a.expr, out);
        break;
      case "stats":
        for (const a of p.aggregations) if (a.arg) collectFields(a.arg, out);
        add(p.by);
        if (p.mode === "stats") return out;
        break;
      case "timechart":
      case "chart":
        for (const a of p.aggregations) if (a.arg) collectFields(a.arg, out);
        if (p.by) out.add(p.by);
        if (p.kind === "chart") out.add(p.over);
        return out;
      case "top":
      case "rare":
        add([...p.fields, ...p.by]);
        return out;
      case "table":
        if (wild(p.patterns)) return null;
        add(p.patterns);
        return out;
      case "fields":
        if (wild(p.patterns)) return null;
        if (p.mode === "keep") {
          add(p.patterns);
          return out;
        }
        break;
      case "rename":
        if (wild(p.pairs.map((x) => x.from))) return null;
        add(p.pairs.map((x) => x.from));
        break;
      case "sort":
        for (const k of p.keys) collectFields(k.expr, out);
        break;
      case "head":
        if (p.while) collectFields(p.while, out);
        break;
      case "tail":
      case "reverse":
        break;
      case "dedup":
        add(p.fields);
        break;
      case "rex":
      case "bin":
      case "mvexpand":
      case "makemv":
        out.add(p.field);
        break;
      case "spath":
        out.add(p.input);
        break;
      case "lookup":
        add(p.matchFields.map((m) => m.eventField));
        break;
      case "fillnull":
        if (p.fields.length === 0) return null;
        add(p.fields);
        break;
      case "xyseries":
        add([p.rowField, p.columnField, ...p.valueFields]);
        return out;
      case "untable":
      case "addtotals":
      case "foreach":
      case "transaction":
      case "count":
      case "unique":
      case "uniqueCount":
        return null;
      default:
        return assertNever(p);
    }
  }
  return null;
}
