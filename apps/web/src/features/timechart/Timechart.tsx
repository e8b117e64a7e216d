import { useEffect, useRef } from "react";
import { BarChart } from "echarts/charts";
import { BrushComponent, GridComponent, LegendComponent, ToolboxComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { Histogram, ViewRef } from "@quarry/engine";
import { formatCount, formatTime } from "../../app/format.ts";
import { investigation, setTimeRange } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, BrushComponent, ToolboxComponent, CanvasRenderer]);

const SPLITS = ["sourcetype", "host", "source", "event.category", "EventCode", "EventID"];

/** Stacked event counts over time, split by a field; dragging across it narrows the time range. */
export function Timechart({ view, fields }: { view: ViewRef; fields: string[] }) {
  const { splitBy, timeRange } = useStore(investigation);
  const { timeZone, theme } = useStore(settings);
  const { data, error } = useEngine("histogram", { view, splitBy, targetBuckets: 80, maxSeries: 8 });
  // Common splits first, then every other field of the data.
  const splits = [...new Set([...SPLITS.filter((f) => f === "sourcetype" || fields.includes(f)), splitBy, ...fields.filter((f) => f !== "_raw")])];
  return (
    <section className="panel timechart" aria-label="Timechart">
      <div className="panel-head">
        <h2>Timeline</h2>
        <label className="small muted">
          split by{" "}
          <select value={splitBy} onChange={(e) => investigation.set((s) => ({ ...s, splitBy: e.target.value }))} data-testid="split-by">
            {splits.map((f) => (
              <option key={f} value={f}>{f}</option>
            ))}
          </select>
        </label>
        {data && <span className="muted small">{formatCount(data.total)} events · {bucketText(data.interval)} buckets{data.untimed ? ` · ${formatCount(data.untimed)} without time` : ""}</span>}
        {timeRange && (
          <span className="small range" data-testid="time-range">
            {formatTime(timeRange.earliest, timeZone)} → {formatTime(timeRange.latest, timeZone)}{" "}
            <button type="button" className="ghost small" data-testid="reset-range" onClick={() => setTimeRange(null)}>Reset</button>
          </span>
        )}
      </div>
      {error && <p className="bad small">{error.message}</p>}
      {data && <Chart hist={data} timeZone={timeZone} dark={theme === "dark"} />}
    </section>
  );
}

function Chart({ hist, timeZone, dark }: { hist: Histogram; timeZone: string; dark: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const histRef = useRef(hist);
  histRef.current = hist;
  useEffect(() => {
    const c = echarts.init(el.current!, dark ? "dark" : undefined, { renderer: "canvas" });
    chart.current = c;
    c.on("brushEnd", (params: unknown) => {
      const area = (params as { areas?: Array<{ coordRange?: [number, number] }> }).areas?.[0];
      const h = histRef.current;
      if (!area?.coordRange) return;
      const [a, b] = area.coordRange;
      const i0 = Math.max(0, Math.min(a, b));
      const i1 = Math.min(h.buckets - 1, Math.max(a, b));
      c.dispatchAction({ type: "brush", areas: [] });
      setTimeRange({ earliest: h.start + i0 * h.interval, latest: h.start + (i1 + 1) * h.interval });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [dark]);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const labels = Array.from({ length: hist.buckets }, (_, i) => formatTime(hist.start + i * hist.interval, timeZone).slice(0, hist.interval >= 86400e3 ? 10 : 19));
    c.setOption(
      {
        backgroundColor: "transparent",
        animation: false,
        grid: { left: 48, right: 12, top: 28, bottom: 24 },
        legend: { type: "scroll", top: 0, textStyle: { fontSize: 11 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        toolbox: { show: false },
        brush: { toolbox: [], xAxisIndex: 0, brushType: "lineX", brushMode: "single", throttleType: "debounce" },
        xAxis: { type: "category", data: labels, axisLabel: { fontSize: 10 } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
        series: hist.series.map((s) => ({ type: "bar", name: s.name, stack: "all", data: s.counts, barCategoryGap: "10%", large: true })),
      },
      { notMerge: true },
    );
    // Dragging on the chart brushes a time range straight away, without picking a tool first.
    c.dispatchAction({ type: "takeGlobalCursor", key: "brush", brushOption: { brushType: "lineX", brushMode: "single" } });
  }, [hist, timeZone, dark]);
  return <div className="chart" ref={el} data-testid="timechart" data-buckets={hist.buckets} data-total={hist.total} />;
}

function bucketText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60e3) return `${ms / 1000} s`;
  if (ms < 3600e3) return `${ms / 60e3} min`;
  if (ms < 86400e3) return `${ms / 3600e3} h`;
  return `${ms / 86400e3} d`;
}
