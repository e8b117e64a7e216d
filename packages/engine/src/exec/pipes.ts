/**
 * The EQL pipes (`head`, `tail`, and Endgame's `filter`, `sort`, `count`, `unique`,
 * `unique_count`) over event, sequence and table streams. Event streams stay references; only
 * `count` materialises a table.
 */
import type { Dataset } from "../store/dataset.ts";
import type { Scalar } from "../store/types.ts";
import { assertNever, type Expr, type Pipe, type SortKey } from "../lang/plan.ts";
import { pickEvents, sliceEvents } from "./event-list.ts";
import { compareScalars, evalExpr, first, truth, type EvalOptions, type Value } from "./expr.ts";
import { rowReader } from "./filter.ts";
import type { RunState } from "./run.ts";
import type { Row, Stream } from "./stream.ts";

type EqlPipe = Extract<Pipe, { kind: "head" | "tail" | "where" | "sort" | "count" | "unique" | "uniqueCount" }>;

/** Reads fields of any event of a dataset (per-segment readers cached). */
export function eventReader(ds: Dataset): (seg: number, row: number) => (name: string) => Value {
  const readers = ds.segments.map((s) => rowReader(s));
  return (seg, row) => {
    const r = readers[seg]!;
    r.at(row);
    return r.get;
  };
}

/** Runs one EQL pipe. */
export function runEqlPipe(input: Stream, pipe: EqlPipe, state: RunState): Stream {
  const opts = state.ctx.eval;
  switch (pipe.kind) {
    case "head":
      if (pipe.while) return takeWhile(input, pipe.while, state);
      return slice(input, 0, Math.max(0, pipe.n));
    case "tail":
      return slice(input, -Math.max(0, pipe.n), undefined);
    case "where":
      return filterStream(input, pipe.expr, state);
    case "sort":
      return sortStream(input, pipe.keys, state, pipe.limit);
    case "count":
      return countStream(input, pipe.fields, state);
    case "unique":
      return uniqueStream(input, pipe.fields, state, opts);
    case "uniqueCount":
      return uniqueCountStream(input, pipe.fields, state, opts);
    default:
      return assertNever(pipe);
  }
}

function slice(input: Stream, start: number, end: number | undefined): Stream {
  switch (input.kind) {
    case "events": {
      const n = input.events.length;
      const s = start < 0 ? Math.max(0, n + start) : start;
      const e = end === undefined ? n : end;
      return { kind: "events", events: sliceEvents(input.events, s, e), ...(input.annotations ? { annotations: input.annotations.slice(s, e) } : {}) };
    }
    case "sequences":
      return { kind: "sequences", sequences: end === undefined ? (start === 0 ? input.sequences : input.sequences.slice(start)) : input.sequences.slice(start, end) };
    case "table":
      return { kind: "table", fields: input.fields, rows: end === undefined ? (start === 0 ? input.rows : input.rows.slice(start)) : input.rows.slice(start, end) };
    default:
      return assertNever(input);
  }
}

/** A getter for each item of a stream: events read the store, sequences their first event, rows themselves. */
function itemGetter(input: Stream, state: RunState): (i: number) => (name: string) => Value {
  const read = eventReader(state.ds);
  switch (input.kind) {
    case "events":
      return (i) => {
        const g = read(input.events.seg[i]!, input.events.row[i]!);
        const extra = input.annotations?.[i];
        return extra ? (name) => (name in extra ? (extra[name] ?? null) : g(name)) : g;
      };
    case "sequences":
      // Fields of a sequence: `events[N].name` reads its Nth event; a plain name reads the first event.
      return (i) => {
        const s = input.sequences[i]!;
        let k = 0;
        while (k < s.seg.length && s.seg[k]! < 0) k++;
        return (name) => {
          const m = /^events\[(\d+)\]\.(.+)$/.exec(name);
          const at = m ? Number(m[1]) : k;
          const field = m ? m[2]! : name;
          if (at >= s.seg.length || s.seg[at]! < 0) return null;
          return read(s.seg[at]!, s.row[at]!)(field);
        };
      };
    case "table":
      return (i) => {
        const row = input.rows[i]!;
        return (name) => row[name] ?? null;
      };
    default:
      return assertNever(input);
  }
}

function itemCount(input: Stream): number {
  return input.kind === "events" ? input.events.length : input.kind === "sequences" ? input.sequences.length : input.rows.length;
}

function pick(input: Stream, positions: number[]): Stream {
  switch (input.kind) {
    case "events":
      return { kind: "events", events: pickEvents(input.events, positions), ...(input.annotations ? { annotations: positions.map((p) => input.annotations![p]!) } : {}) };
    case "sequences":
      return { kind: "sequences", sequences: positions.map((p) => input.sequences[p]!) };
    case "table":
      return { kind: "table", fields: input.fields, rows: positions.map((p) => input.rows[p]!) };
    default:
      return assertNever(input);
  }
}

function filterStream(input: Stream, expr: Expr, state: RunState): Stream {
  const get = itemGetter(input, state);
  const keep: number[] = [];
  const n = itemCount(input);
  for (let i = 0; i < n; i++) if (truth(evalExpr(expr, get(i), state.ctx.eval), state.ctx.eval?.pythonTruth) === true) keep.push(i);
  return pick(input, keep);
}

function takeWhile(input: Stream, expr: Expr, state: RunState): Stream {
  const get = itemGetter(input, state);
  const n = itemCount(input);
  let i = 0;
  while (i < n && truth(evalExpr(expr, get(i), state.ctx.eval)) === true) i++;
  return slice(input, 0, i);
}

/**
 * Total order over values for the EQL `sort` pipe, as Python EQL sorts: missing values first,
 * then numbers numerically and text by code units (folded when `caseInsensitive`).
 */
export function compareForSort(a: Value, b: Value, caseInsensitive = false): number {
  const x = first(a);
  const y = first(b);
  if (x === null || y === null) return x === null ? (y === null ? 0 : -1) : 1;
  const c = compareScalars("<", x, y, caseInsensitive);
  if (c === true) return -1;
  return compareScalars(">", x, y, caseInsensitive) === true ? 1 : 0;
}

function sortStream(input: Stream, keys: SortKey[], state: RunState, limit?: number): Stream {
  const get = itemGetter(input, state);
  const n = itemCount(input);
  const cols: Value[][] = keys.map(() => new Array<Value>(n));
  for (let i = 0; i < n; i++) {
    const g = get(i);
    keys.forEach((k, j) => (cols[j]![i] = evalExpr(k.expr, g, state.ctx.eval)));
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const c = compareForSort(cols[j]![a]!, cols[j]![b]!, state.ctx.sortCaseInsensitive);
      if (c !== 0) return keys[j]!.descending ? -c : c;
    }
    return a - b;
  });
  return pick(input, limit !== undefined ? idx.slice(0, limit) : idx);
}

function keyOf(g: (name: string) => Value, fields: Expr[], opts: EvalOptions | undefined): { key: string; values: Scalar[] } {
  const values = fields.map((f) => first(evalExpr(f, g, opts)));
  return { key: JSON.stringify(values), values };
}

function uniqueStream(input: Stream, fields: Expr[], state: RunState, opts: EvalOptions | undefined): Stream {
  const get = itemGetter(input, state);
  const n = itemCount(input);
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const { key } = keyOf(get(i), fields, opts);
    if (seen.has(key)) continue;
    seen.add(key);
    keep.push(i);
  }
  return pick(input, keep);
}

/** Endgame `unique_count`: the first item per key, annotated with the key's `count` and `percent`. */
function uniqueCountStream(input: Stream, fields: Expr[], state: RunState, opts: EvalOptions | undefined): Stream {
  const get = itemGetter(input, state);
  const n = itemCount(input);
  const firstOf = new Map<string, number>();
  const counts = new Map<string, number>();
  const keep: number[] = [];
  const keyAt: string[] = [];
  for (let i = 0; i < n; i++) {
    const { key } = keyOf(get(i), fields, opts);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (firstOf.has(key)) continue;
    firstOf.set(key, i);
    keep.push(i);
    keyAt.push(key);
  }
  const out = pick(input, keep);
  if (out.kind !== "events") return out;
  const annotations = keyAt.map((k, j) => ({ ...(input.kind === "events" ? input.annotations?.[keep[j]!] : undefined), count: counts.get(k)!, percent: counts.get(k)! / n }));
  return { ...out, annotations };
}

/** Endgame `count`: the total, or counts per distinct key with their share, least frequent first. */
function countStream(input: Stream, fields: Expr[], state: RunState): Stream {
  const n = itemCount(input);
  if (fields.length === 0) return { kind: "table", fields: ["count"], rows: [{ count: n }] };
  const get = itemGetter(input, state);
  const groups = new Map<string, { values: Scalar[]; count: number }>();
  for (let i = 0; i < n; i++) {
    const { key, values } = keyOf(get(i), fields, state.ctx.eval);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { values, count: 1 });
  }
  const rows: Row[] = [...groups.values()]
    .sort((a, b) => a.count - b.count || JSON.stringify(a.values).localeCompare(JSON.stringify(b.values)))
    .map((g) => ({ key: g.values.length === 1 ? g.values[0]! : g.values, count: g.count, percent: g.count / n }));
  return { kind: "table", fields: ["key", "count", "percent"], rows };
}

