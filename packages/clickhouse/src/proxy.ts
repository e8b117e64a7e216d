/**
 * The `quarry serve --clickhouse URL` routes: the page calls its own origin (ClickHouse has no
 * CORS, and the page's CSP allows only 'self'), and these routes run EQL/SPL on the server.
 *   GET  /api/clickhouse/datasets                 → [{dataset, files, events}]
 *   POST /api/clickhouse/eql {dataset, query, options?, queryId?} → the _eql/search body
 *   POST /api/clickhouse/spl {dataset, query, options?, queryId?} → {fields, results}
 *   POST /api/clickhouse/sankey {dataset, request, queryId?} → SankeyResult (request: the worker's SankeyRequest)
 *   POST /api/clickhouse/pivot  {dataset, request, queryId?} → PivotSummary (request: PivotRequest)
 *   POST /api/clickhouse/tree   {dataset, request, queryId?} → ProcessTree | null (request: ProcessTreeRequest)
 *   POST /api/clickhouse/cancel {queryId}          → KILL QUERY on the server
 * A request whose client goes away is cancelled on the server too. Failures answer
 * `{error: {name, code, message}}` with 400 (bad request or query), 404 (unknown dataset),
 * 502 (server unreachable or connection dropped) or 500.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { QueryError, type EqlOptions, type Expr, type PivotRequest, type ProcessTreeRequest, type SankeyRequest, type SplOptions, type TimeBounds } from "@quarry/engine";
import { Connection, RemoteError } from "./conn.ts";
import { listDatasets } from "./layout.ts";
import { runSplRemote } from "./remote.ts";
import { runEqlRemote } from "./eql-remote.ts";
import { SqlSafetyError, checkDatasetName } from "./sql.ts";
import { pivotRemote } from "./views-pivot.ts";
import { ViewRequestError } from "./views-scope.ts";
import { sankeyRemote } from "./views-sankey.ts";
import { processTreeRemote } from "./views-tree.ts";

const MAX_BODY = 1 << 20;
const ROUTES = ["eql", "spl", "sankey", "pivot", "tree", "cancel"];
const PREFIX = "/api/clickhouse/";

/** A request handler (resolves true when it answered) for the ClickHouse routes. */
export function clickhouseProxy(url: string): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const running = new Map<string, AbortController>();
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (!path.startsWith(PREFIX)) return false;
    const route = path.slice(PREFIX.length);
    const ctl = new AbortController();
    // The client went away before the answer: stop the server-side query as well.
    res.on("close", () => {
      if (!res.writableFinished) ctl.abort();
    });
    try {
      if (route === "datasets" && req.method === "GET") {
        const conn = new Connection(url);
        try {
          return reply(res, 200, await listDatasets(conn, { signal: ctl.signal }));
        } finally {
          await conn.close();
        }
      }
      if (req.method !== "POST" || !ROUTES.includes(route)) return reply(res, 404, { error: { name: "NotFound", code: "route", message: `no route ${req.method} ${path}` } });
      const body = await readJson(req);
      if (route === "cancel") {
        const id = typeof body.queryId === "string" ? body.queryId : "";
        running.get(id)?.abort();
        const conn = new Connection(url);
        await conn.kill(id);
        await conn.close();
        return reply(res, 200, { cancelled: id });
      }
      const dataset = checkDatasetName(String(body.dataset ?? ""));
      const isView = route === "sankey" || route === "pivot" || route === "tree";
      if (!isView && typeof body.query !== "string") throw new BadRequest("query must be a string");
      const queryId = typeof body.queryId === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(body.queryId) ? body.queryId : undefined;
      if (queryId) running.set(queryId, ctl);
      try {
        const remote = { signal: ctl.signal, ...(queryId ? { queryId } : {}) };
        const target = { url, dataset };
        if (route === "sankey") return reply(res, 200, await sankeyRemote(target, sankeyRequest(body.request), remote));
        if (route === "pivot") return reply(res, 200, await pivotRemote(target, pivotRequest(body.request), remote));
        if (route === "tree") return reply(res, 200, await processTreeRemote(target, treeRequest(body.request), remote));
        const query = body.query as string;
        if (route === "eql") return reply(res, 200, await runEqlRemote(target, query, eqlOptions(body.options), remote));
        const r = await runSplRemote(target, query, splOptions(body.options), remote);
        return reply(res, 200, { fields: r.fields, results: r.results });
      } finally {
        if (queryId) running.delete(queryId);
      }
    } catch (e) {
      return reply(res, ...failure(e));
    }
  };
}

class BadRequest extends Error {
  override readonly name = "BadRequest";
}

function failure(e: unknown): [number, unknown] {
  const err = e as Error;
  const body = (code: string) => ({ error: { name: err.name, code, message: err.message } });
  if (e instanceof BadRequest || e instanceof SqlSafetyError || e instanceof ViewRequestError) return [400, body("request")];
  if (e instanceof QueryError) return [400, { error: { name: err.name, code: "query", message: err.message, span: e.span } }];
  if (e instanceof RemoteError) {
    const status = e.code === "dataset" ? 404 : e.code === "unreachable" || e.code === "dropped" || e.code === "timeout" ? 502 : e.code === "cancelled" ? 499 : 500;
    return [status, body(e.code)];
  }
  return [500, body("internal")];
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  if (res.destroyed || res.headersSent) return true;
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)), "Cache-Control": "no-store" });
  res.end(text);
  return true;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new BadRequest(`request body must be a JSON object: ${(e as Error).message}`);
  }
}

function eqlOptions(o: unknown): EqlOptions {
  const src = (o && typeof o === "object" ? o : {}) as Record<string, unknown>;
  const out: EqlOptions = {};
  if (typeof src.size === "number") out.size = src.size;
  if (typeof src.eventCategoryField === "string") out.eventCategoryField = src.eventCategoryField;
  if (typeof src.timestampField === "string") out.timestampField = src.timestampField;
  if (typeof src.tiebreakerField === "string" || src.tiebreakerField === null) out.tiebreakerField = src.tiebreakerField;
  if (typeof src.maxSamplesPerKey === "number") out.maxSamplesPerKey = src.maxSamplesPerKey;
  if (src.dialect === "elastic" || src.dialect === "endgame") out.dialect = src.dialect;
  if (typeof src.caseSensitive === "boolean") out.caseSensitive = src.caseSensitive;
  return out;
}

function splOptions(o: unknown): SplOptions {
  const src = (o && typeof o === "object" ? o : {}) as Record<string, unknown>;
  const out: SplOptions = {};
  if (typeof src.earliest === "string") out.earliest = src.earliest;
  if (typeof src.latest === "string") out.latest = src.latest;
  if (typeof src.tz === "string") out.tz = src.tz;
  if (typeof src.nowMs === "number") out.nowMs = src.nowMs;
  return out;
}

/** A request object of a view route: an object whose keys are all known. */
function viewObject(o: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (!o || typeof o !== "object" || Array.isArray(o)) throw new BadRequest(`${what} request must be an object`);
  const src = o as Record<string, unknown>;
  const extra = Object.keys(src).filter((k) => !keys.includes(k));
  if (extra.length) throw new BadRequest(`${what} request has unknown keys: ${extra.join(", ")}`);
  return src;
}

const TIME_KEYS = ["earliest", "latest"] as const;

function timeBounds(src: Record<string, unknown>): TimeBounds {
  const out: TimeBounds = {};
  for (const k of TIME_KEYS) {
    const v = src[k];
    if (v === undefined) continue;
    if (v !== null && !(typeof v === "number" && Number.isFinite(v))) throw new BadRequest(`${k} must be a time in ms or null`);
    out[k] = v;
  }
  return out;
}

function optionalText(src: Record<string, unknown>, k: string): string | null | undefined {
  const v = src[k];
  if (v === undefined || v === null || typeof v === "string") return v;
  throw new BadRequest(`${k} must be text or null`);
}

function wholeNumber(src: Record<string, unknown>, k: string, max: number): number | undefined {
  const v = src[k];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new BadRequest(`${k} must be a whole number from 0 to ${max}`);
  return v;
}

function sankeyRequest(o: unknown): SankeyRequest {
  const src = viewObject(o, "sankey", ["mode", "view", "where", "host", "maxFlows", "focus", "source", "target", ...TIME_KEYS]);
  const common: Omit<SankeyRequest, "mode"> = timeBounds(src);
  const host = optionalText(src, "host");
  if (host !== undefined) common.host = host;
  const maxFlows = wholeNumber(src, "maxFlows", 500);
  if (maxFlows !== undefined) common.maxFlows = maxFlows;
  if (src.view !== undefined) {
    const v = src.view as Record<string, unknown> | null;
    if (!v || v.kind !== "all") throw new BadRequest('view must be {kind: "all", earliest?, latest?} on ClickHouse (send a filter as `where`)');
    common.view = { kind: "all", ...timeBounds(v) };
  }
  if (src.where !== undefined) {
    const w = src.where as { kind?: unknown } | null;
    if (!w || typeof w !== "object" || typeof w.kind !== "string") throw new BadRequest("where must be a plan expression");
    common.where = w as Expr;
  }
  if (src.mode === "process") {
    const focus = optionalText(src, "focus");
    return { ...common, mode: "process", ...(focus !== undefined ? { focus } : {}) };
  }
  if (src.mode === "fields") {
    if (typeof src.source !== "string" || typeof src.target !== "string") throw new BadRequest("a two-field Sankey needs source and target field names");
    return { ...common, mode: "fields", source: src.source, target: src.target };
  }
  throw new BadRequest('mode must be "process" or "fields"');
}

function pivotRequest(o: unknown): PivotRequest {
  const src = viewObject(o, "pivot", ["entity", "top", "recent", ...TIME_KEYS]);
  const e = src.entity as Record<string, unknown> | null;
  if (!e || typeof e !== "object" || !["host", "user", "process", "ip"].includes(String(e.kind)) || typeof e.value !== "string" || e.value === "") {
    throw new BadRequest("entity must be {kind: host|user|process|ip, value, host?}");
  }
  const host = optionalText(e, "host");
  const out: PivotRequest = { ...timeBounds(src), entity: { kind: e.kind as PivotRequest["entity"]["kind"], value: e.value, ...(host !== undefined ? { host } : {}) } };
  const top = wholeNumber(src, "top", 1000);
  const recent = wholeNumber(src, "recent", 1000);
  if (top !== undefined) out.top = top;
  if (recent !== undefined) out.recent = recent;
  return out;
}

function treeRequest(o: unknown): ProcessTreeRequest {
  const src = viewObject(o, "tree", ["host", "seq", "maxProcesses", ...TIME_KEYS]);
  const out: ProcessTreeRequest = timeBounds(src);
  const host = optionalText(src, "host");
  if (host !== undefined) out.host = host;
  if (src.seq !== undefined && src.seq !== null) {
    if (typeof src.seq !== "number" || !Number.isSafeInteger(src.seq) || src.seq < 0) throw new BadRequest("seq must be an event's ingest number");
    out.seq = src.seq;
  } else if (src.seq === null) out.seq = null;
  const max = wholeNumber(src, "maxProcesses", 50_000);
  if (max !== undefined) out.maxProcesses = max;
  return out;
}
