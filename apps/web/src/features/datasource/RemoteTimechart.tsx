import { useQuery } from "@tanstack/react-query";
import { useStore } from "../../app/store.ts";
import { dataSource, newQueryId, rangeOptions } from "./datasource-store.ts";
import { isEventList } from "./answer.ts";
import { remoteTimechart } from "./remote.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";

/** Events over time for an SPL search on the server: one extra `| timechart count` run in ClickHouse. */
export function RemoteTimechart() {
  const { source, answer } = useStore(dataSource);
  const range = useStore(investigation).timeRange;
  const tz = useStore(settings).timeZone;
  const dataset = source.kind === "clickhouse" ? source.dataset : "";
  const text = answer?.lang === "spl" && isEventList(answer.body.fields) ? answer.text : null;
  const chart = useQuery({
    queryKey: ["clickhouse", "timechart", dataset, text, range, tz],
    queryFn: ({ signal }) => remoteTimechart(dataset, text!, newQueryId(), rangeOptions(range, tz), signal),
    enabled: text !== null && dataset !== "",
    retry: false,
    staleTime: Infinity,
  });
  if (text === null) return null;
  if (chart.error) return <section className="panel small bad" data-testid="remote-timechart-error">Timeline: {chart.error.message}</section>;
  const rows = chart.data?.results ?? [];
  if (rows.length === 0) return <section className="panel muted small">{chart.isFetching ? "counting over time on the server…" : "No events over time."}</section>;
  // `_time` is epoch seconds in the engine's results (an ISO text if a formatter ran first).
  const points = rows.map((r) => ({ t: typeof r._time === "number" ? r._time : Date.parse(String(r._time)) / 1000, n: Number(r.count) }));
  const max = Math.max(1, ...points.map((p) => p.n));
  const w = 100 / points.length;
  return (
    <section className="panel" aria-label="Timeline" data-testid="remote-timechart" data-buckets={points.length} data-total={points.reduce((a, p) => a + p.n, 0)}>
      <svg width="100%" height="90" viewBox="0 0 100 90" preserveAspectRatio="none" role="img" aria-label="Events over time">
        {points.map((p, i) => (
          <rect key={p.t} x={i * w} y={88 - (p.n / max) * 86} width={Math.max(w * 0.9, 0.2)} height={(p.n / max) * 86} fill="var(--accent)">
            <title>{`${new Date(p.t * 1000).toISOString()}: ${p.n}`}</title>
          </rect>
        ))}
      </svg>
      <div className="muted small">
        {new Date(points[0]!.t * 1000).toISOString()} – {new Date(points[points.length - 1]!.t * 1000).toISOString()}
      </div>
    </section>
  );
}
