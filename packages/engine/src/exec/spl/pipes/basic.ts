import type { Pipe } from "../../../lang/plan.ts";
import { bucketStart } from "../../../lang/spl/time.ts";
import type { Scalar } from "../../../store/types.ts";
import { evalExpr, truth, type Value } from "../../expr.ts";
import { splRuntime } from "../runtime.ts";
import { addField, fieldsOf, matchFieldPattern, type Row, type Table } from "../table.ts";
import { numberOf } from "../values.ts";

/**
 * A field reader over a result row. Rows without `_raw` (after stats, chart...) answer `_raw` with
 * their values joined by spaces, so search terms and searchmatch() match field values, as in Splunk.
 */
export function rowGetter(row: Row): (name: string) => Value {
  let synth: string | null = null;
  return (n) => {
    const v = row[n];
    if (v !== undefined) return v;
    if (n !== "_raw") return null;
    synth ??= Object.values(row)
      .flatMap((x) => (Array.isArray(x) ? x : [x]))
      .map((x) => (x === null ? "" : String(x)))
      .join(" ");
    return synth;
  };
}

/** eval: assignments left to right; a null result removes the field. */
export function runEval(table: Table, p: Extract<Pipe, { kind: "eval" }>): Table {
  const rows = table.rows.map((r) => {
    const row: Row = { ...r };
    for (const a of p.assignments) {
      const v = evalExpr(a.expr, rowGetter(row));
      if (v === null || (Array.isArray(v) && v.length === 0)) delete row[a.field];
      else row[a.field] = v;
    }
    return row;
  });
  const out: Table = { ...table, rows, fields: table.fields ? [...table.fields] : null };
  for (const a of p.assignments) addField(out, a.field);
  return out;
}

/** where / search: keeps rows whose condition is true. */
export function runWhere(table: Table, p: Extract<Pipe, { kind: "where" }>): Table {
  return { ...table, rows: table.rows.filter((r) => truth(evalExpr(p.expr, rowGetter(r))) === true) };
}

/**
 * foreach: for every field matching a pattern, runs the template pipeline with <<FIELD>>,
 * <<MATCHSTR>> and <<MATCHSEGn>> replaced in every name and string of the template.
 */
export function runForeach(table: Table, p: Extract<Pipe, { kind: "foreach" }>, runPipes: (t: Table, pipes: Pipe[]) => Table): Table {
  const matches: Array<{ field: string; segs: string[] }> = [];
  for (const f of fieldsOf(table)) {
    for (const pat of p.patterns) {
      const m = matchFieldPattern(pat, f);
      if (m) {
        matches.push({ field: f, segs: m });
        break;
      }
    }
  }
  let t = table;
  for (const m of matches) {
    const subst = (s: string) =>
      s
        .replace(/<<FIELD>>/g, m.field)
        .replace(/<<MATCHSTR>>/g, m.segs.join(""))
        .replace(/<<MATCHSEG(\d)>>/g, (_, d: string) => m.segs[Number(d) - 1] ?? "");
    const body = JSON.parse(JSON.stringify(p.body), (_k, v: unknown) => (typeof v === "string" ? subst(v) : v)) as Pipe[];
    t = runPipes(t, body);
  }
  return t;
}

/** bin / bucket: rounds a time field to its span bucket (in the chosen timezone) or a number to its span. */
export function runBin(table: Table, p: Extract<Pipe, { kind: "bin" }>): Table {
  const isTime = p.field === "_time" || p.spanMs !== null;
  let span = p.span;
  let spanMs = p.spanMs;
  if (spanMs === null && span === null) {
    // bins=N (default 100): the smallest power-of-ten-ish span giving at most N buckets.
    const nums = table.rows.map((r) => numberOf((r[p.field] as Scalar) ?? null)).filter((n): n is number => n !== null);
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    const bins = p.bins ?? 100;
    const width = nums.length === 0 ? 1 : Math.max(hi - lo, 1) / bins;
    if (isTime) spanMs = niceTime(width * 1000);
    else span = 10 ** Math.ceil(Math.log10(width));
  }
  const rows = table.rows.map((r) => {
    const v = numberOf((Array.isArray(r[p.field]) ? (r[p.field] as Scalar[])[0]! : (r[p.field] as Scalar)) ?? null);
    const row: Row = { ...r };
    if (v === null) return row;
    if (isTime && spanMs !== null) row[p.as] = bucketStart(v * 1000, spanMs, splRuntime.tz) / 1000;
    else if (span !== null) {
      const lo = Math.floor(v / span) * span;
      row[p.as] = p.field === "_time" ? lo : `${fmt(lo)}-${fmt(lo + span)}`;
    }
    return row;
  });
  const out: Table = { ...table, rows, fields: table.fields ? [...table.fields] : null };
  addField(out, p.as);
  return out;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

function niceTime(ms: number): number {
  const steps = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 86400, 604800, 2592000].map((s) => s * 1000);
  return steps.find((s) => s >= ms) ?? steps[steps.length - 1]!;
}
