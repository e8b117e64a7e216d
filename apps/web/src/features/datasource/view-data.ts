/**
 * One hook for the analyst views, whatever the data source: the local worker's view (through the
 * protocol) on the tab's files, or the same view answered by the server on a ClickHouse dataset
 * (same request, same answer shape). React Query keeps both as server state; a replaced or
 * cancelled server view is aborted and KILLed on the server.
 */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { RequestOf, ResultOf } from "@quarry/engine";
import { useStore } from "../../app/store.ts";
import { queryClient, useEngine } from "../../engine/hooks.ts";
import { dataSource, newQueryId } from "./datasource-store.ts";
import { remoteView, type RemoteViewMethod } from "./remote.ts";

/** The view's answer from the selected data source. */
export function useViewData<M extends RemoteViewMethod>(method: M, req: RequestOf<M>, enabled = true): UseQueryResult<ResultOf<M>, Error> & { remote: boolean } {
  const { source } = useStore(dataSource);
  const dataset = source.kind === "clickhouse" ? source.dataset : null;
  const local = useEngine(method, req, enabled && dataset === null);
  const server = useQuery<ResultOf<M>, Error>({
    queryKey: ["clickhouse", "view", method, dataset, req],
    queryFn: ({ signal }) => remoteView(method, dataset!, req, newQueryId(), signal) as Promise<ResultOf<M>>,
    enabled: enabled && dataset !== null,
    retry: false,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
  return dataset === null ? { ...local, remote: false } : { ...server, remote: true };
}

/** Stops the server views of a method that are still running (the server is told to KILL them). */
export function cancelServerViews(method: RemoteViewMethod): void {
  void queryClient.cancelQueries({ queryKey: ["clickhouse", "view", method] });
}
