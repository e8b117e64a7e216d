/**
 * A thin connection over the official `@clickhouse/client`, which works against 18.16 for
 * queries, commands and JSONEachRow inserts (server-side `query_params` do not: see sql.ts).
 * Every failure is turned into a `RemoteError` that names the server and what went wrong;
 * cancellation sends `KILL QUERY` for the query id so the server stops too.
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { literal } from "./sql.ts";

/** A failure talking to ClickHouse, with a message meant for the analyst. */
export class RemoteError extends Error {
  override readonly name = "RemoteError";
  constructor(
    message: string,
    readonly code: "unreachable" | "server" | "dropped" | "cancelled" | "timeout" | "dataset" | "unsupported" | "conflict",
  ) {
    super(message);
  }
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborting kills the query on the server (`KILL QUERY WHERE query_id = …`). */
  signal?: AbortSignal;
  queryId?: string;
  settings?: Record<string, string | number>;
}

/** A ClickHouse server reached over HTTP. */
export class Connection {
  private readonly client: ClickHouseClient;
  private readonly timeoutMs: number;

  constructor(
    readonly url: string,
    opts: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.client = createClient({
      url,
      request_timeout: this.timeoutMs,
      // The client's own logger prints every failed request to the console; errors are reported by the caller.
      log: { level: ClickHouseLogLevel.OFF },
      // 18.16 does not know newer defaults such as async inserts; send none.
      clickhouse_settings: {},
    });
  }

  /** Runs a SELECT and returns its rows (JSONEachRow). */
  async rows<T = Record<string, unknown>>(sql: string, opts: RequestOptions = {}): Promise<T[]> {
    return this.guard(sql, opts, async (queryId, signal) => {
      const rs = await this.client.query({ query: sql, format: "JSONEachRow", query_id: queryId, abort_signal: signal, clickhouse_settings: opts.settings ?? {} });
      return (await rs.json()) as T[];
    });
  }

  /** Runs a statement without a result (DDL, ALTER, KILL). */
  async command(sql: string, opts: RequestOptions = {}): Promise<void> {
    await this.guard(sql, opts, async (queryId, signal) => {
      await this.client.command({ query: sql, query_id: queryId, abort_signal: signal, clickhouse_settings: opts.settings ?? {} });
    });
  }

  /** Inserts rows as JSONEachRow into `table` (a validated, quoted identifier). */
  async insert(table: string, values: Array<Record<string, unknown>>, opts: RequestOptions = {}): Promise<void> {
    if (values.length === 0) return;
    await this.guard(`INSERT INTO ${table}`, opts, async (queryId, signal) => {
      await this.client.insert({ table, values, format: "JSONEachRow", query_id: queryId, abort_signal: signal, clickhouse_settings: opts.settings ?? {} });
    });
  }

  /**
   * Streams an `INSERT INTO table FORMAT format` whose body `produce` hands over chunk by chunk
   * (`table` is a validated, quoted identifier). `send(chunk)` resolves once the chunk has been
   * written to the socket, so the caller may reuse its buffer for the next chunk; that signal is
   * why this request goes through `node:http` rather than the client library, which takes a
   * stream and never says when a chunk is done with. Same URL, credentials, database and query
   * id as the client's requests, and the same errors (see `explain`).
   */
  async insertStream(table: string, format: string, produce: (send: (chunk: Uint8Array) => Promise<void>) => Promise<void>, opts: RequestOptions = {}): Promise<void> {
    const query = `INSERT INTO ${table} FORMAT ${format}`;
    await this.guard(query, opts, (queryId, signal) => this.postStream(query, queryId, signal, opts.settings ?? {}, produce));
  }

  private postStream(query: string, queryId: string, signal: AbortSignal, settings: Record<string, string | number>, produce: (send: (chunk: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
    const url = new URL(this.url);
    const params = new URLSearchParams(url.search);
    params.set("query_id", queryId);
    for (const [k, v] of Object.entries(settings)) params.set(k, String(v));
    // As the client: a path names the database, user and password ride in the URL.
    const database = decodeURIComponent(url.pathname.slice(1));
    if (database !== "" && database !== "default") params.set("database", database);
    params.set("query", query);
    const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
    if (url.username !== "" || url.password !== "") {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username || "default")}:${decodeURIComponent(url.password)}`).toString("base64")}`;
    }
    const target = `${url.protocol}//${url.host}/?${params.toString()}`;
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let answer: Promise<{ status: number; text: string }> | null = null;
      const req = request(target, { method: "POST", headers, signal, agent: false, timeout: this.timeoutMs });
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(e);
      };
      req.on("timeout", () => fail(new Error(`Timeout error: no answer in ${this.timeoutMs} ms`)));
      req.on("response", (res) => {
        answer = readAnswer(res);
        answer.then(({ status, text }) => {
          if (status !== 200) fail(new Error(text.trim() || `HTTP ${status}`));
          else if (!settled) {
            settled = true;
            resolve();
          }
        }, fail);
      });
      // A server that refuses the data part-way answers and closes: its answer says why, not the broken pipe.
      req.on("error", (e) => {
        if (answer) answer.then(({ status, text }) => fail(status !== 200 && text.trim() ? new Error(text.trim()) : e), () => fail(e));
        else fail(e);
      });
      const send = (chunk: Uint8Array) =>
        new Promise<void>((done, failed) => {
          if (settled) return failed(new Error("the insert request has ended"));
          req.write(chunk, (err) => (err ? failed(err) : done()));
        });
      produce(send).then(() => {
        if (!settled) req.end();
      }, fail);
    });
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.client.close();
  }

  private async guard<T>(sql: string, opts: RequestOptions, run: (queryId: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const queryId = opts.queryId ?? `quarry-${randomUUID()}`;
    const local = new AbortController();
    const outer = opts.signal;
    const onAbort = () => {
      local.abort();
      void this.kill(queryId);
    };
    if (outer?.aborted) throw new RemoteError("query cancelled", "cancelled");
    outer?.addEventListener("abort", onAbort, { once: true });
    try {
      return await run(queryId, local.signal);
    } catch (e) {
      if (outer?.aborted) throw new RemoteError("query cancelled (KILL QUERY sent to the server)", "cancelled");
      throw this.explain(e, sql);
    } finally {
      outer?.removeEventListener("abort", onAbort);
    }
  }

  /** Asks the server to stop a query; best effort (the server may already be gone). */
  async kill(queryId: string): Promise<void> {
    try {
      await this.client.command({ query: `KILL QUERY WHERE query_id = ${literal(queryId)} ASYNC`, clickhouse_settings: {} });
    } catch {
      // The query may have finished or the server may be down; the caller already reports the cancel.
    }
  }

  private explain(e: unknown, sql: string): RemoteError {
    if (e instanceof RemoteError) return e;
    const err = e as Error & { code?: string | number; type?: string };
    const msg = err?.message ?? String(e);
    const code = typeof err?.code === "string" ? err.code : "";
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "EAI_AGAIN" || /ECONNREFUSED|ENOTFOUND/.test(msg)) {
      return new RemoteError(`cannot reach ClickHouse at ${this.url}: ${code || msg}`, "unreachable");
    }
    if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up|ECONNRESET|aborted|premature close|Unexpected end/i.test(msg)) {
      return new RemoteError(`connection to ClickHouse at ${this.url} was dropped during the query: ${msg}`, "dropped");
    }
    if (/Timeout error/i.test(msg)) return new RemoteError(`ClickHouse at ${this.url} did not answer in time: ${msg}`, "timeout");
    const server = /Code: (\d+), e\.displayText\(\) = DB::Exception: ([^\n]*?)(?:, e\.what\(\).*)?$/m.exec(msg);
    if (server) return new RemoteError(`ClickHouse error ${server[1]}: ${server[2]} (in: ${sql.slice(0, 200)})`, "server");
    if (err && "type" in err && err.type) return new RemoteError(`ClickHouse error: ${msg} (in: ${sql.slice(0, 200)})`, "server");
    return new RemoteError(`ClickHouse at ${this.url}: ${msg}`, "server");
  }
}

/** The whole answer of a request; a connection that closes before its end is an error ("aborted"). */
function readAnswer(res: IncomingMessage): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    res.on("error", reject);
    res.on("close", () => {
      if (!res.complete) reject(new Error("socket hang up: the answer was cut off (aborted)"));
    });
  });
}
