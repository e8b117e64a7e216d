/**
 * The `quarry serve --clickhouse URL` routes: the page calls its own origin (ClickHouse has no
 * CORS, and the page's CSP allows only 'self'), and these routes run EQL/SPL on the server.
 *   GET  /api/clickhouse/datasets                 → [{dataset, files, events}]
 *   POST /api/clickhouse/eql {dataset, query, options?, queryId?} → the _eql/search body
 *   POST /api/clickhouse/spl {dataset, query, options?, queryId?} → {fields, results}
 *   POST /api/clickhouse/cancel {queryId}          → KILL QUERY on the server
 * A request whose client goes away is cancelled on the server too. Failures answer
 * `{error: {name, code, message}}` with 400 (bad request or query), 404 (unknown dataset),
 * 502 (server unreachable or connection dropped) or 500.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { QueryError, type EqlOptions, type SplOptions } from "@quarry/engine";
import { Connection, RemoteError } from "./conn.ts";
import { listDatasets } from "./layout.ts";
import { runEqlRemote, runSplRemote } from "./remote.ts";
import { SqlSafetyError, checkDatasetName } from "./sql.ts";

const MAX_BODY = 1 << 20;
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
      if (req.method !== "POST" || !["eql", "spl", "cancel"].includes(route)) return reply(res, 404, { error: { name: "NotFound", code: "route", message: `no route ${req.method} ${path}` } });
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
      if (typeof body.query !== "string") throw new BadRequest("query must be a string");
      const queryId = typeof body.queryId === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(body.queryId) ? body.queryId : undefined;
      if (queryId) running.set(queryId, ctl);
      try {
        const remote = { signal: ctl.signal, ...(queryId ? { queryId } : {}) };
        const target = { url, dataset };
        if (route === "eql") return reply(res, 200, await runEqlRemote(target, body.query, eqlOptions(body.options), remote));
        const r = await runSplRemote(target, body.query, splOptions(body.options), remote);
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
  if (e instanceof BadRequest || e instanceof SqlSafetyError) return [400, body("request")];
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
