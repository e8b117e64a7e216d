import type { Pipe } from "../../../lang/plan.ts";
import type { Scalar } from "../../../store/types.ts";
import { evalExpr, truth } from "../../expr.ts";
import { groupKeys } from "./stats.ts";
import type { Row, Table } from "../table.ts";
import { compareValuesSpl, keyOf, valuesOf } from "../values.ts";

/** sort: stable multi-key sort in Splunk order, then the limit. */
export function runSort(table: Table, p: Extract<Pipe, { kind: "sort" }>): Table {
  const keyed = table.rows.map((r, i) => ({ r, i, k: p.keys.map((k) => evalExpr(k.expr, (n) => r[n] ?? null)) }));
  keyed.sort((a, b) => {
    for (let j = 0; j < p.keys.length; j++) {
      const x = a.k[j]!;
      const y = b.k[j]!;
      // Missing values go last whatever the direction.
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
        continue;
      }
      const c = compareValuesSpl(x, y);
      if (c !== 0) return p.keys[j]!.descending ? -c : c;
    }
    return a.i - b.i;
  });
  const rows = keyed.map((x) => x.r);
  return { ...table, rows: p.limit !== undefined ? rows.slice(0, p.limit) : rows };
}

/** reverse. */
export function runReverse(table: Table): Table {
  return { ...table, rows: [...table.rows].reverse() };
}

/** head: the first n rows, or rows while the condition holds. */
export function runHead(table: Table, p: Extract<Pipe, { kind: "head" }>): Table {
  let rows = table.rows.slice(0, p.n);
  if (p.while) {
    const stop = rows.findIndex((r) => truth(evalExpr(p.while!, (n) => r[n] ?? null)) !== true);
    if (stop >= 0) rows = rows.slice(0, stop);
  }
  return { ...table, rows };
}

/** tail: the last n rows, last first (as Splunk returns them). */
export function runTail(table: Table, p: Extract<Pipe, { kind: "tail" }>): Table {
  return { ...table, rows: table.rows.slice(Math.max(0, table.rows.length - p.n)).reverse() };
}

/** dedup: the first row of each combination of the fields. */
export function runDedup(table: Table, p: Extract<Pipe, { kind: "dedup" }>): Table {
  const seen = new Set<string>();
  let prev: string | null = null;
  const rows: Row[] = [];
  for (const r of table.rows) {
    const parts: string[] = [];
    let missing = false;
    for (const f of p.fields) {
      const vs = valuesOf(r[f] ?? null);
      if (vs.length === 0) missing = true;
      parts.push(vs.map(keyOf).join("\u0001"));
    }
    if (missing) {
      if (p.keepEmpty) rows.push(r);
      continue;
    }
    const k = parts.join("\u0000");
    if (p.consecutive) {
      if (k !== prev) rows.push(r);
      prev = k;
      continue;
    }
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push(r);
  }
  return { ...table, rows };
}

/** top / rare: value combinations by count with percent, `limit` per BY group. */
export function runTop(table: Table, p: Extract<Pipe, { kind: "top" | "rare" }>): Table {
  const groups = new Map<string, { by: Scalar[]; combos: Map<string, { key: Scalar[]; count: number; first: number }>; total: number }>();
  table.rows.forEach((r, i) => {
    const byKeys = p.by.length === 0 ? [[]] : groupKeys(r, p.by);
    const keys = groupKeys(r, p.fields);
    for (const bk of byKeys) {
      const gk = bk.map(keyOf).join("\u0000");
      let g = groups.get(gk);
      if (!g) groups.set(gk, (g = { by: bk, combos: new Map(), total: 0 }));
      g.total++;
      for (const k of keys) {
        const ck = k.map(keyOf).join("\u0000");
        const c = g.combos.get(ck);
        if (c) c.count++;
        else g.combos.set(ck, { key: k, count: 1, first: i });
      }
    }
  });
  const countName = p.countField ?? "count";
  const percentName = p.percentField ?? "percent";
  const rows: Row[] = [];
  for (const g of groups.values()) {
    const list = [...g.combos.values()].sort((a, b) => (p.kind === "top" ? b.count - a.count : a.count - b.count) || a.first - b.first);
    for (const c of p.limit > 0 ? list.slice(0, p.limit) : list) {
      const row: Row = {};
      p.by.forEach((f, i) => (row[f] = g.by[i]!));
      p.fields.forEach((f, i) => (row[f] = c.key[i]!));
      if (p.showCount) row[countName] = c.count;
      if (p.showPercent) row[percentName] = Math.round((c.count / g.total) * 100 * 1e6) / 1e6;
      rows.push(row);
    }
  }
  return { rows, fields: [...p.by, ...p.fields, ...(p.showCount ? [countName] : []), ...(p.showPercent ? [percentName] : [])] };
}
