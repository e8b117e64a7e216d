import type { Expr } from "../../lang/plan.ts";
import { columnOf, type Dataset } from "../../store/dataset.ts";

const TRUE: Expr = { kind: "literal", value: true };
const FALSE: Expr = { kind: "literal", value: false };

/**
 * Folds a search filter against the dataset before it runs: `isNull(f)` is true when no segment
 * has the field `f` at all, and constant AND/OR/NOT branches collapse. `index=botsv2` over files
 * loaded without an index then costs nothing instead of several full-column passes.
 */
export function foldFilter(expr: Expr, ds: Dataset): Expr {
  const present = new Map<string, boolean>();
  const has = (name: string): boolean => {
    let p = present.get(name);
    if (p === undefined) {
      p = name === "_raw" || name === "_time" || ds.segments.some((s) => columnOf(s, name) !== undefined || [...s.columns.keys()].some((k) => k.startsWith(name + ".")));
      present.set(name, p);
    }
    return p;
  };
  const fold = (e: Expr): Expr => {
    switch (e.kind) {
      case "isNull":
        return e.arg.kind === "field" && !has(e.arg.name) ? TRUE : e;
      case "not": {
        const a = fold(e.arg);
        if (a.kind === "literal" && typeof a.value === "boolean") return a.value ? FALSE : TRUE;
        return a === e.arg ? e : { kind: "not", arg: a };
      }
      case "and":
      case "or": {
        const unit = e.kind === "and";
        const args: Expr[] = [];
        for (const a of e.args.map(fold)) {
          if (a.kind === "literal" && typeof a.value === "boolean") {
            if (a.value !== unit) return a.value ? TRUE : FALSE;
            continue;
          }
          args.push(a);
        }
        if (args.length === 0) return unit ? TRUE : FALSE;
        return args.length === 1 ? args[0]! : { kind: e.kind, args };
      }
      default:
        return e;
    }
  };
  return fold(expr);
}
