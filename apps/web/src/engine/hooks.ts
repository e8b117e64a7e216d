import { QueryClient, useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import type { EngineMethod, EngineState, RequestOf, ResultOf } from "@quarry/engine";
import { engine } from "./client.ts";

/** Engine results are server-like state: cached by request, refetched when the dataset changes. */
export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, staleTime: Infinity, refetchOnWindowFocus: false } },
});

/** Drops every cached engine answer (after a load, reset or restart). */
export function datasetChanged(): void {
  void queryClient.invalidateQueries({ queryKey: ["engine"] });
}

/**
 * A React Query hook over one protocol method. The query key is the method and its params, and
 * React Query's abort signal cancels the worker call when a newer request replaces it.
 */
export function useEngine<M extends EngineMethod>(method: M, params: RequestOf<M>, enabled = true) {
  return useQuery<ResultOf<M>, Error>({
    queryKey: ["engine", method, params],
    queryFn: ({ signal }) => engine.call(method, params, { signal }),
    enabled,
    placeholderData: (prev) => prev,
  });
}

/** The engine's connection state (ready / dead). */
export function useEngineState(): EngineState {
  return useSyncExternalStore(
    (l) => engine.subscribe(l),
    () => engine.state,
  );
}
