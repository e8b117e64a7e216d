import type { Aggregation, Pipe } from "../../../lang/plan.ts";
import type { Scalar } from "../../../store/types.ts";
import { truth } from "../../expr.ts";
import { aggInput, compareKeys, computeAgg } from "../aggregate.ts";
import { fieldsOf, type Row, type Table } from "../table.ts";
import { fromList, keyOf, numberOf, textOf, valuesOf } from "../values.ts";

type StatsPipe = Extract<Pipe, { kind: "stats" }>;

/** Every combination of BY values of a row (multivalue BY fields fan out); empty when one is missing. */
export function groupKeys(row: Row, by: string[]): Scalar[][] {
  let combos: Scalar[][] = [[]];
  for (const f of by) {
    const vs = valuesOf(row[f] ?? null);
    if (vs.length === 0) return [];
    const next: Scalar[][] = [];
    for (const c of combos) for (const v of vs) next.push([...c, v]);
    combos = next;
  }
  return combos;
}

interface Group {
  key: Scalar[];
  rows: number[];
}

/** Groups row indices by their BY values, in first-seen order. */
export function groupRows(rows: Row[], by: string[]): Group[] {
  const groups = new Map<string, Group>();
  rows.forEach((row, i) => {
    for (const key of groupKeys(row, by)) {
      const k = key.map(keyOf).join("\u0000");
      let g = groups.get(k);
      if (!g) {
        g = { key, rows: [] };
        groups.set(k, g);
      }
      g.rows.push(i);
    }
  });
  return [...groups.values()];
}

/** Aggregates the given rows of a table. */
export function aggregateRows(table: Table, idx: number[], aggs: Aggregation[]): Value[] {
  const times = idx.map((i) => numberOf(first(table.rows[i]!._time)) ?? NaN);
  const weights = table.weightField ? idx.map((i) => numberOf(first(table.rows[i]![table.weightField!])) ?? 0) : null;
  return aggs.map((a) => computeAgg(a, idx.map((i) => aggInput(a, table.rows[i]!)), times, weights));
}

import type { Value } from "../../functions/registry.ts";
function first(v: Value | undefined): Scalar {
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
}

/** stats / eventstats / streamstats over materialised rows. */
export function runStats(table: Table, p: StatsPipe): Table {
  if (p.mode === "stats") {
    const groups = p.by.length === 0 ? [{ key: [], rows: table.rows.map((_, i) => i) }] : groupRows(table.rows, p.by);
    groups.sort((a, b) => compareKeys(a.key, b.key));
    const rows: Row[] = groups.map((g) => {
      const row: Row = {};
      p.by.forEach((f, i) => (row[f] = g.key[i]!));
      aggregateRows(table, g.rows, p.aggregations).forEach((v, i) => {
        if (v !== null) row[p.aggregations[i]!.as] = v;
      });
      return row;
    });
    return { rows, fields: [...p.by, ...p.aggregations.map((a) => a.as).filter((f) => !p.by.includes(f))] };
  }
  const fields = fieldsOf(table);
  const out = table.fields ? [...fields] : null;
  for (const a of p.aggregations) if (out && !out.includes(a.as)) out.push(a.as);
  if (p.mode === "eventstats") {
    const groups = p.by.length === 0 ? [{ key: [], rows: table.rows.map((_, i) => i) }] : groupRows(table.rows, p.by);
    const rows = table.rows.map((r) => ({ ...r }));
    for (const g of groups) {
      const vals = aggregateRows(table, g.rows, p.aggregations);
      for (const i of g.rows) vals.forEach((v, k) => setOrDelete(rows[i]!, p.aggregations[k]!.as, v));
    }
    return { rows, fields: out };
  }
  // streamstats: running aggregates over the rows seen so far in each group, updated in O(1)
  // per row for the usual functions (the others recompute over the group's rows so far).
  const seen = new Map<string, { list: number[]; running: Running[] }>();
  const rows = table.rows.map((r) => ({ ...r }));
  table.rows.forEach((row, i) => {
    const keys = p.by.length === 0 ? [[]] : groupKeys(row, p.by);
    if (keys.length === 0) return;
    const k = keys[0]!.map(keyOf).join("\u0000");
    let st = seen.get(k);
    if (!st) seen.set(k, (st = { list: [], running: p.aggregations.map((a) => new Running(a)) }));
    st.list.push(i);
    p.aggregations.forEach((a, j) => {
      const run = st.running[j]!;
      let v: Value;
      if (run.incremental) {
        run.add(aggInput(a, row));
        v = run.result();
      } else v = aggregateRows(table, st.list, [a])[0]!;
      setOrDelete(rows[i]!, a.as, v);
    });
  });
  return { rows, fields: out };
}

function setOrDelete(row: Row, name: string, v: Value): void {
  if (v === null) delete row[name];
  else row[name] = v;
}

const INCREMENTAL = new Set(["count", "dc", "sum", "avg", "min", "max", "values", "first", "last"]);

/** A running aggregate for streamstats: same answers as computeAgg over the rows so far. */
class Running {
  readonly incremental: boolean;
  private rows = 0;
  private flat = 0;
  private sum = 0;
  private nums = 0;
  private min = Infinity;
  private max = -Infinity;
  private allNumeric = true;
  private readonly texts = new Set<string>();
  private first: Value = null;
  private last: Value = null;

  constructor(private readonly agg: Aggregation) {
    this.incremental = INCREMENTAL.has(agg.fn);
  }

  add(v: Value): void {
    this.rows++;
    const isEval = this.agg.arg?.kind !== "field";
    const vs = valuesOf(v);
    if (vs.length > 0) {
      if (this.first === null) this.first = v;
      this.last = v;
    }
    for (const x of vs) {
      if (isEval && (x === false || truth(x) === false)) continue;
      this.flat++;
      this.texts.add(textOf(x));
      const n = numberOf(x);
      if (n === null) {
        this.allNumeric = false;
        continue;
      }
      this.sum += n;
      this.nums++;
      if (n < this.min) this.min = n;
      if (n > this.max) this.max = n;
    }
  }

  result(): Value {
    switch (this.agg.fn) {
      case "count":
        return this.agg.arg ? this.flat : this.rows;
      case "dc":
        return this.texts.size;
      case "sum":
        return this.nums > 0 ? this.sum : null;
      case "avg":
        return this.nums > 0 ? this.sum / this.nums : null;
      case "min":
      case "max": {
        if (this.flat === 0) return null;
        if (this.allNumeric) return this.agg.fn === "min" ? this.min : this.max;
        const sorted = [...this.texts].sort();
        return this.agg.fn === "min" ? sorted[0]! : sorted[sorted.length - 1]!;
      }
      case "values":
        return fromList([...this.texts].sort());
      case "first":
        return this.first;
      case "last":
        return this.last;
      default:
        return null;
    }
  }
}
