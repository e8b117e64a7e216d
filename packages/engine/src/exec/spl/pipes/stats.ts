import type { Aggregation, Pipe } from "../../../lang/plan.ts";
import type { Scalar } from "../../../store/types.ts";
import { aggInput, compareKeys, computeAgg } from "../aggregate.ts";
import { fieldsOf, type Row, type Table } from "../table.ts";
import { keyOf, numberOf, valuesOf } from "../values.ts";

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
  // streamstats: running aggregates over the rows seen so far in each group.
  const seen = new Map<string, number[]>();
  const rows = table.rows.map((r) => ({ ...r }));
  table.rows.forEach((row, i) => {
    const keys = p.by.length === 0 ? [[]] : groupKeys(row, p.by);
    if (keys.length === 0) return;
    const k = keys[0]!.map(keyOf).join("\u0000");
    const list = seen.get(k) ?? [];
    list.push(i);
    seen.set(k, list);
    aggregateRows(table, list, p.aggregations).forEach((v, j) => setOrDelete(rows[i]!, p.aggregations[j]!.as, v));
  });
  return { rows, fields: out };
}

function setOrDelete(row: Row, name: string, v: Value): void {
  if (v === null) delete row[name];
  else row[name] = v;
}
