/** How a table result is drawn. */
export type ChartKind = "bar" | "line" | "area" | "pie";

type Cell = string | number | boolean | null | Array<string | number | boolean | null>;

/** Category column, numeric series columns and the default chart kind for a table result. */
export interface ChartSpec {
  x: string | null;
  series: string[];
  kind: ChartKind;
  time: boolean;
}

/** Picks a sensible chart: a line over `_time`, a pie for a few shares of one measure, bars otherwise. */
export function chartSpec(fields: string[], rows: Array<Record<string, Cell>>): ChartSpec {
  const numeric = fields.filter((f) => f !== "_time" && rows.length > 0 && rows.every((r) => r[f] === null || r[f] === undefined || Number.isFinite(Number(r[f]))) && rows.some((r) => r[f] !== null && r[f] !== undefined));
  const time = fields.includes("_time");
  const x = time ? "_time" : (fields.find((f) => !numeric.includes(f)) ?? null);
  const series = numeric.filter((f) => f !== x && !f.startsWith("_"));
  const kind: ChartKind = time ? (series.length > 1 ? "area" : "line") : series.length === 1 && rows.length > 1 && rows.length <= 6 && (fields.includes("percent") || series[0] === "count") ? "pie" : "bar";
  return { x, series: series.filter((f) => f !== "percent" || series.length === 1), kind, time };
}
