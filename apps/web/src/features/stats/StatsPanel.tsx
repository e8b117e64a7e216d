import { useEffect, useRef, useState } from "react";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { QueryInfo, TablePage } from "@quarry/engine";
import { formatCount, formatTime } from "../../app/format.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { downloadExport } from "../../engine/download.ts";
import { useEngine } from "../../engine/hooks.ts";
import { chartSpec, type ChartKind } from "./chart-spec.ts";

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** Rows drawn and listed; a larger result says how many more there are. */
const ROWS = 1000;

/** A table result (stats, timechart, chart, top…): a chart chosen from its shape, and the table. */
export function StatsPanel({ result }: { result: QueryInfo }) {
  const { data, error } = useEngine("table", { handle: result.handle, offset: 0, limit: ROWS });
  const { timeZone, theme } = useStore(settings);
  const [kind, setKind] = useState<ChartKind | null>(null);
  if (error) return <p className="bad panel">{error.message}</p>;
  if (!data) return <p className="muted panel">loading…</p>;
  const spec = chartSpec(data.fields, data.rows);
  const shown = kind ?? spec.kind;
  return (
    <section className="panel stats" aria-label="Statistics">
      <div className="panel-head">
        <h2>Results</h2>
        <span className="muted small" data-testid="stats-total" data-count={data.total}>{formatCount(data.total)} rows</span>
        <span className="export">
          <button type="button" className="ghost small" data-testid="export-csv" onClick={() => void downloadExport({ table: result.handle }, "csv", timeZone)}>CSV</button>
          <button type="button" className="ghost small" data-testid="export-ndjson" onClick={() => void downloadExport({ table: result.handle }, "ndjson", timeZone)}>NDJSON</button>
        </span>
        {spec.series.length > 0 && (
          <label className="small muted">
            chart{" "}
            <select value={shown} onChange={(e) => setKind(e.target.value as ChartKind)} data-testid="chart-kind">
              {(["bar", "line", "area", "pie"] as const).map((k) => (
                <option key={k} value={k}>{k}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {spec.series.length > 0 && <StatsChart page={data} kind={shown} x={spec.x} series={spec.series} time={spec.time} timeZone={timeZone} dark={theme === "dark"} />}
      <div className="stats-table-wrap">
        <table className="stats-table" data-testid="stats-table">
          <thead>
            <tr>
              {data.fields.map((f) => (
                <th key={f}>{f}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r, i) => (
              <tr key={i} data-testid="stats-row">
                {data.fields.map((f) => (
                  <td key={f} className={typeof r[f] === "number" ? "num" : ""}>{cellText(r[f], f, timeZone)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {data.total > data.rows.length && <p className="muted small">Showing the first {formatCount(data.rows.length)} of {formatCount(data.total)} rows.</p>}
      </div>
    </section>
  );
}

function cellText(v: unknown, field: string, tz: string): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(String).join("\n");
  if (field === "_time" && typeof v === "number") return formatTime(v < 1e11 ? v * 1000 : v, tz);
  return String(v);
}

function StatsChart({ page, kind, x, series, time, timeZone, dark }: { page: TablePage; kind: ChartKind; x: string | null; series: string[]; time: boolean; timeZone: string; dark: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const c = echarts.init(el.current!, dark ? "dark" : undefined);
    const labels = page.rows.map((r, i) => (x ? cellText(r[x], x, timeZone) : String(i + 1)));
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    if (kind === "pie") {
      const s = series[0]!;
      c.setOption({ backgroundColor: "transparent", animation: false, tooltip: { trigger: "item" }, legend: { type: "scroll", top: 0 }, series: [{ type: "pie", radius: ["30%", "65%"], top: 24, data: page.rows.map((r, i) => ({ name: labels[i], value: num(r[s]) })) }] });
    } else {
      c.setOption({
        backgroundColor: "transparent",
        animation: false,
        grid: { left: 56, right: 16, top: 30, bottom: 40 },
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0 },
        xAxis: { type: "category", data: labels, axisLabel: { fontSize: 10, hideOverlap: true } },
        yAxis: { type: "value", axisLabel: { fontSize: 10 } },
        series: series.map((s) => ({
          type: kind === "bar" ? "bar" : "line",
          name: s,
          data: page.rows.map((r) => num(r[s])),
          ...(kind === "area" ? { areaStyle: {}, stack: "all" } : {}),
          ...(time && kind !== "bar" ? { showSymbol: false } : {}),
        })),
      });
    }
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, [page, kind, x, series, time, timeZone, dark]);
  return <div className="chart stats-chart" ref={el} data-testid="stats-chart" data-kind={kind} data-series={series.join(",")} />;
}
