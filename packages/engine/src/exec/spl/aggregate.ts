import type { Aggregation } from "../../lang/plan.ts";
import type { Scalar } from "../../store/types.ts";
import { evalExpr, truth } from "../expr.ts";
import type { Value } from "../functions/registry.ts";
import { rowGetter } from "./pipes/basic.ts";
import type { Row } from "./table.ts";
import { compareScalarsSpl, fromList, numberOf, textOf, valuesOf } from "./values.ts";

/** The evaluated argument of an aggregation for one row (null argument → null). */
export function aggInput(agg: Aggregation, row: Row): Value {
  if (!agg.arg) return null;
  if (agg.arg.kind === "field") return row[agg.arg.name] ?? null;
  return evalExpr(agg.arg, rowGetter(row));
}

/**
 * Computes one aggregation over a group: `inputs[i]` is the evaluated argument for row i,
 * `times[i]` its _time (seconds, NaN when absent), `weights` the pre-counted sizes after
 * `tstats prestats=t`. Follows Splunk: values() is sorted lexicographically, min/max are numeric
 * when every value is a number, percentiles interpolate between the closest ranks.
 */
export function computeAgg(agg: Aggregation, inputs: Value[], times: number[], weights: number[] | null): Value {
  const fn = agg.fn;
  if (fn === "count" && !agg.arg) {
    if (weights) return weights.reduce((a, b) => a + b, 0);
    return inputs.length;
  }
  const isEval = agg.arg?.kind !== "field";
  const flat: Scalar[] = [];
  for (const v of inputs) {
    for (const x of valuesOf(v)) {
      // count(eval(cond)) counts the rows where the condition holds.
      if (isEval && (x === false || truth(x) === false)) continue;
      flat.push(x);
    }
  }
  switch (fn) {
    case "count":
      return flat.length;
    case "dc":
      return new Set(flat.map(textOf)).size;
    case "sum":
    case "sumsq":
    case "avg":
    case "stdev":
    case "stdevp":
    case "var":
    case "varp":
    case "range":
    case "median": {
      const nums = flat.map(numberOf).filter((n): n is number => n !== null);
      if (nums.length === 0) return null;
      const sum = nums.reduce((a, b) => a + b, 0);
      if (fn === "sum") return sum;
      if (fn === "sumsq") return nums.reduce((a, b) => a + b * b, 0);
      const mean = sum / nums.length;
      if (fn === "avg") return mean;
      if (fn === "range") return Math.max(...nums) - Math.min(...nums);
      if (fn === "median") return percentile(nums, 50);
      const ss = nums.reduce((a, b) => a + (b - mean) ** 2, 0);
      const pop = fn === "stdevp" || fn === "varp";
      if (!pop && nums.length < 2) return null;
      const variance = ss / (pop ? nums.length : nums.length - 1);
      return fn.startsWith("stdev") ? Math.sqrt(variance) : variance;
    }
    case "min":
    case "max": {
      if (flat.length === 0) return null;
      const nums = flat.map(numberOf);
      if (nums.every((n) => n !== null)) return fn === "min" ? Math.min(...(nums as number[])) : Math.max(...(nums as number[]));
      const texts = flat.map(textOf).sort();
      return fn === "min" ? texts[0]! : texts[texts.length - 1]!;
    }
    case "values":
      return fromList([...new Set(flat.map(textOf))].sort());
    case "list":
      return fromList(flat.slice(0, 100));
    case "mode": {
      const counts = new Map<string, number>();
      let best: string | null = null;
      for (const x of flat) {
        const k = textOf(x);
        const c = (counts.get(k) ?? 0) + 1;
        counts.set(k, c);
        if (best === null || c > counts.get(best)!) best = k;
      }
      return best;
    }
    case "first":
    case "last": {
      const vs = inputs.filter((v) => valuesOf(v).length > 0);
      if (vs.length === 0) return null;
      return fn === "first" ? vs[0]! : vs[vs.length - 1]!;
    }
    case "earliest":
    case "latest":
    case "earliest_time":
    case "latest_time": {
      let bestI = -1;
      for (let i = 0; i < inputs.length; i++) {
        if (valuesOf(inputs[i]!).length === 0 || Number.isNaN(times[i]!)) continue;
        if (bestI < 0) bestI = i;
        else if (fn.startsWith("earliest") ? times[i]! < times[bestI]! : times[i]! >= times[bestI]!) bestI = i;
      }
      if (bestI < 0) return null;
      return fn.endsWith("_time") ? times[bestI]! : inputs[bestI]!;
    }
    default: {
      const p = /^perc(\d+(?:\.\d+)?)$/.exec(fn);
      if (!p) return null;
      const nums = flat.map(numberOf).filter((n): n is number => n !== null);
      if (nums.length === 0) return null;
      return percentile(nums, Number(p[1]));
    }
  }
}

function percentile(nums: number[], p: number): number {
  const s = [...nums].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

/** Empty-cell value for chart/timechart: count-like aggregations show 0, the rest nothing. */
export function emptyCell(agg: Aggregation): Value {
  return agg.fn === "count" || agg.fn === "dc" ? 0 : null;
}

/** Sorts group keys (arrays of scalars) in Splunk order. */
export function compareKeys(a: Scalar[], b: Scalar[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareScalarsSpl(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}
