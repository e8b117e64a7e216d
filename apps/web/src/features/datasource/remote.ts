/**
 * The ClickHouse routes of `quarry serve --clickhouse URL`, called on the page's own origin
 * (the CSP allows only 'self'; the server proxies to ClickHouse). Failures become plain words.
 */
import type { EqlResponse, PivotRequest, PivotSummary, ProcessTree, ProcessTreeRequest, SankeyRequest, SankeyResult } from "@quarry/engine";

/** One dataset the server holds. */
export interface RemoteDataset {
  dataset: string;
  files: number;
  events: number;
}

/** An SPL answer from the server: the same {fields, results} the CLI prints. */
export interface RemoteSpl {
  fields: string[];
  results: Array<Record<string, unknown>>;
}

/** A failed server call, in words an analyst can act on; `code` is the proxy's error code. */
export class RemoteQueryError extends Error {
  override readonly name = "RemoteQueryError";
  constructor(
    message: string,
    readonly code: string,
    readonly span?: { start: number; end: number },
  ) {
    super(message);
  }
}

const BASE = "/api/clickhouse/";

/**
 * The server's datasets, or null when this page is not served with a ClickHouse backend
 * (a plain `quarry serve` answers the path with the app's index.html, not JSON).
 */
export async function fetchDatasets(signal?: AbortSignal): Promise<RemoteDataset[] | null> {
  let res: Response;
  try {
    res = await fetch(BASE + "datasets", { signal: signal ?? null, headers: { Accept: "application/json" } });
  } catch {
    return null;
  }
  if (!(res.headers.get("content-type") ?? "").includes("application/json")) return null;
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) throw toError(res.status, body);
  if (!Array.isArray(body)) return null;
  return body.filter(isDataset);
}

function isDataset(d: unknown): d is RemoteDataset {
  const o = d as Partial<RemoteDataset> | null;
  return !!o && typeof o.dataset === "string" && typeof o.files === "number" && typeof o.events === "number";
}

/** Events or sequences an EQL run returns: the local worker's cap for the UI (Elasticsearch's default 10 would hide most). */
export const UI_SIZE = 10_000;

/** Runs EQL on the server; the answer is the `_eql/search` body the local engine gives. */
export function remoteEql(dataset: string, query: string, queryId: string, signal: AbortSignal): Promise<EqlResponse> {
  return post<EqlResponse>("eql", { dataset, query, queryId, options: { size: UI_SIZE } }, signal);
}

/** Runs SPL on the server (earliest/latest in epoch seconds, as the SPL options take them). */
export function remoteSpl(dataset: string, query: string, queryId: string, opts: { earliest?: string; latest?: string; tz?: string }, signal: AbortSignal): Promise<RemoteSpl> {
  return post<RemoteSpl>("spl", { dataset, query, queryId, options: opts }, signal);
}

/**
 * The count over time of an SPL search, computed in ClickHouse (`| timechart count` pushes
 * down); `text` must be a plain search (its events are what is counted).
 */
export function remoteTimechart(dataset: string, text: string, queryId: string, opts: { earliest?: string; latest?: string; tz?: string }, signal: AbortSignal): Promise<RemoteSpl> {
  return remoteSpl(dataset, `${text} | timechart count`, queryId, opts, signal);
}

/** The analyst views the server answers, by protocol method: request and result as the worker's. */
export interface RemoteViews {
  sankey: { req: SankeyRequest; res: SankeyResult };
  pivot: { req: PivotRequest; res: PivotSummary };
  processTree: { req: ProcessTreeRequest; res: ProcessTree | null };
}
export type RemoteViewMethod = keyof RemoteViews;

const VIEW_ROUTES: Record<RemoteViewMethod, string> = { sankey: "sankey", pivot: "pivot", processTree: "tree" };

/**
 * Runs an analyst view on the server (same request and answer as the worker's view). Aborting
 * drops the request and tells the server to KILL the query, as Cancel does for a query.
 */
export async function remoteView<M extends RemoteViewMethod>(method: M, dataset: string, request: RemoteViews[M]["req"], queryId: string, signal: AbortSignal): Promise<RemoteViews[M]["res"]> {
  const onAbort = () => void remoteCancel(queryId).catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await post<RemoteViews[M]["res"]>(VIEW_ROUTES[method], { dataset, request, queryId }, signal);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Asks the server to stop a running query (`KILL QUERY` on ClickHouse). */
export async function remoteCancel(queryId: string): Promise<void> {
  await post("cancel", { queryId });
}

async function post<T>(route: string, body: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + route, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: signal ?? null });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new RemoteQueryError("Cannot reach the Quarry server: is `quarry serve` still running?", "unreachable");
  }
  const json = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) throw toError(res.status, json);
  return json as T;
}

/** The proxy's `{error: {code, message}}` (or anything else) as a RemoteQueryError in plain words. */
export function toError(status: number, body: unknown): RemoteQueryError {
  const err = (body as { error?: { code?: unknown; message?: unknown; span?: { start: number; end: number } } } | null)?.error;
  const code = typeof err?.code === "string" ? err.code : "http";
  const detail = typeof err?.message === "string" ? err.message : `HTTP ${status}`;
  switch (code) {
    case "unreachable":
      return new RemoteQueryError(`The ClickHouse server is unreachable: ${detail}`, code);
    case "dropped":
    case "timeout":
      return new RemoteQueryError(`The connection to ClickHouse was lost during the query: ${detail}`, code);
    case "dataset":
      return new RemoteQueryError(`Unknown dataset on the ClickHouse server: ${detail}`, code);
    case "query":
      return new RemoteQueryError(detail, code, err?.span);
    case "cancelled":
      return new RemoteQueryError("The query was cancelled on the server.", code);
    case "request":
      return new RemoteQueryError(`The server refused the request: ${detail}`, code);
    default:
      return new RemoteQueryError(`The ClickHouse server failed: ${detail}`, code);
  }
}
