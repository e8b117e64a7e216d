import { useQuery } from "@tanstack/react-query";
import { formatCount } from "../../app/format.ts";
import { useStore } from "../../app/store.ts";
import { dataSource, selectSource } from "./datasource-store.ts";
import { fetchDatasets } from "./remote.ts";

/** The server's datasets (React Query: server state), null when the page has no ClickHouse backend. */
export function useRemoteDatasets() {
  return useQuery({ queryKey: ["clickhouse", "datasets"], queryFn: ({ signal }) => fetchDatasets(signal), retry: false, staleTime: 30_000 });
}

/** Header switch: local files or one of the server's ClickHouse datasets; hidden without a backend. */
export function DataSourceSwitch() {
  const { source } = useStore(dataSource);
  const datasets = useRemoteDatasets();
  if (!datasets.data && !datasets.error) return null;
  const value = source.kind === "local" ? "" : source.dataset;
  return (
    <label className="datasource small" title="Where queries run">
      <span className="muted">Data:</span>{" "}
      <select
        data-testid="datasource"
        value={value}
        onChange={(e) => selectSource(e.target.value === "" ? { kind: "local" } : { kind: "clickhouse", dataset: e.target.value })}
      >
        <option value="">Local files</option>
        {(datasets.data ?? []).map((d) => (
          <option key={d.dataset} value={d.dataset}>
            ClickHouse: {d.dataset} ({formatCount(d.events)} events)
          </option>
        ))}
      </select>
      {datasets.error && <span className="bad" data-testid="datasource-error"> {datasets.error.message}</span>}
    </label>
  );
}
