import type { Pipe } from "../../../lang/plan.ts";
import type { Scalar } from "../../../store/types.ts";
import { evalExpr, truth } from "../../expr.ts";
import { rowGetter } from "./basic.ts";
import type { Row, Table } from "../table.ts";
import { fromList, keyOf, numberOf, textOf, valuesOf } from "../values.ts";

interface Open {
  rows: Row[];
  start: number;
}

/**
 * transaction: events with the same field values, in time order, grouped while within maxspan;
 * startswith opens a new transaction, endswith closes one. Each transaction becomes one row:
 * _time of its first event, duration (s), eventcount, _raw joined by newlines, fields as multivalues.
 */
export function runTransaction(table: Table, p: Extract<Pipe, { kind: "transaction" }>): Table {
  const withTime = table.rows
    .map((r, i) => ({ r, i, t: numberOf((valuesOf(r._time ?? null)[0] as Scalar) ?? null) }))
    .filter((x) => x.t !== null)
    .sort((a, b) => a.t! - b.t! || b.i - a.i);
  const open = new Map<string, Open>();
  const done: Row[][] = [];
  const test = (e: typeof p.startswith, r: Row) => e !== null && truth(evalExpr(e, rowGetter(r))) === true;
  for (const { r, t } of withTime) {
    const parts = p.fields.map((f) => valuesOf(r[f] ?? null).map(keyOf).join("\u0001"));
    if (p.fields.length > 0 && parts.some((x) => x === "")) continue;
    const key = parts.join("\u0000");
    let cur = open.get(key);
    // A transaction closed by maxspan or by a new start never saw its end: with endswith it is
    // evicted (Splunk's keepevicted=false), without it it is complete.
    if (cur && p.maxspanMs !== null && (t! - cur.start) * 1000 > p.maxspanMs) {
      if (p.endswith === null) done.push(cur.rows);
      cur = undefined;
      open.delete(key);
    }
    if (cur && test(p.startswith, r)) {
      if (p.endswith === null) done.push(cur.rows);
      cur = undefined;
      open.delete(key);
    }
    if (!cur) {
      if (p.startswith !== null && !test(p.startswith, r)) continue;
      cur = { rows: [], start: t! };
      open.set(key, cur);
    }
    cur.rows.push(r);
    if (test(p.endswith, r)) {
      done.push(cur.rows);
      open.delete(key);
    }
  }
  // Transactions still open at the end are kept unless an endswith was required.
  if (p.endswith === null) for (const o of open.values()) done.push(o.rows);
  const rows = done.map((events) => {
    const times = events.map((e) => numberOf((valuesOf(e._time ?? null)[0] as Scalar) ?? null) ?? 0);
    const row: Row = {};
    const names = new Set<string>();
    for (const e of events) for (const k in e) names.add(k);
    for (const n of names) {
      if (n === "_time" || n === "_raw") continue;
      const vs: Scalar[] = [];
      const seen = new Set<string>();
      for (const e of events) {
        for (const v of valuesOf(e[n] ?? null)) {
          if (seen.has(textOf(v))) continue;
          seen.add(textOf(v));
          vs.push(v);
        }
      }
      const v = fromList(vs);
      if (v !== null) row[n] = v;
    }
    row._time = Math.min(...times);
    row._raw = events.map((e) => textOf((e._raw as Scalar) ?? null)).join("\n");
    row.duration = Math.max(...times) - Math.min(...times);
    row.eventcount = events.length;
    return row;
  });
  rows.sort((a, b) => (b._time as number) - (a._time as number));
  return { rows, fields: null };
}
