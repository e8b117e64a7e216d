import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { clickhouseProxy } from "@quarry/clickhouse";
import type { Command } from "../command.ts";
import { flag, parseArgs, UsageError } from "../command.ts";

/** The page's Content-Security-Policy (the same as the built page's meta tag): nothing leaves the origin. */
export const CSP = "default-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";

/**
 * One link of the server's request chain: resolves true when it answered the request, false to
 * pass it on. The static app is the last link; others (an API proxy) go before it.
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const extraHandlers: RequestHandler[] = [];

/** Adds a handler that runs before the static files (e.g. the ClickHouse proxy under /api/). */
export function registerServeHandler(handler: RequestHandler): void {
  extraHandlers.push(handler);
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".log": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".gz": "application/gzip",
};

/** Headers every answer carries; COOP + COEP make the page cross-origin isolated (shared memory for query cancel). */
function baseHeaders(): Record<string, string> {
  return { "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
}

/**
 * Serves the built app from `root`: correct MIME types, the CSP header, long caching for hashed
 * assets, and index.html for unknown extension-less paths (the app routes itself). Paths that
 * escape the root are refused.
 */
export function staticHandler(root: string): RequestHandler {
  const base = resolve(root);
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "text/plain; charset=utf-8", "method not allowed", req.method, { Allow: "GET, HEAD" });
      return true;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      send(res, 400, "text/plain; charset=utf-8", "bad request path", req.method);
      return true;
    }
    const file = resolve(base, "." + normalize(pathname));
    if (file !== base && !file.startsWith(base + sep)) {
      send(res, 403, "text/plain; charset=utf-8", "forbidden", req.method);
      return true;
    }
    const target = (await isFile(file)) ? file : (await isFile(join(file, "index.html"))) ? join(file, "index.html") : extname(pathname) === "" ? join(base, "index.html") : null;
    if (!target) {
      send(res, 404, "text/plain; charset=utf-8", `not found: ${pathname}`, req.method);
      return true;
    }
    const body = await readFile(target);
    const type = MIME[extname(target).toLowerCase()] ?? "application/octet-stream";
    const cache = target.includes(`${sep}assets${sep}`) ? "public, max-age=31536000, immutable" : "no-cache";
    send(res, 200, type, body, req.method, { "Cache-Control": cache });
    return true;
  };
}

async function isFile(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => null);
  return !!s && s.isFile();
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, method: string | undefined, extra: Record<string, string> = {}): void {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...baseHeaders(), "Content-Type": type, "Content-Length": String(buf.length), ...extra });
  res.end(method === "HEAD" ? undefined : buf);
}

/** An HTTP server that runs `handlers` in order; a handler that throws gets a 500, the server lives on. */
export function createQuarryServer(handlers: RequestHandler[]): Server {
  return createServer((req, res) => {
    void (async () => {
      try {
        for (const h of handlers) if (await h(req, res)) return;
        send(res, 404, "text/plain; charset=utf-8", "not found", req.method);
      } catch (e) {
        if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `server error: ${(e as Error).message}`, req.method);
        else res.destroy();
      }
    })();
  });
}

/** Finds the built app: `apps/web/dist` above this module (bundled CLI or source). */
export function findAppRoot(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "apps", "web", "dist");
    if (existsSync(join(candidate, "index.html"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** `quarry serve`: serves the built app on localhost and prints its URL. */
export const serveCommand: Command = {
  name: "serve",
  summary: "serve the web app (apps/web/dist) on a local URL",
  usage: `quarry serve [--port N] [--host 127.0.0.1] [--root DIR] [--open-sample] [--clickhouse URL]

Serves the built web app with its Content-Security-Policy and prints the URL.
--port N       port to listen on (default 4173; 0 picks a free port)
--host H       address to bind (default 127.0.0.1)
--root DIR     the built app (default: apps/web/dist of this checkout)
--open-sample  print a URL that loads the sample dataset on first start
--clickhouse URL  answer /api/clickhouse/* (datasets, eql, spl, sankey, pivot, tree, cancel) from that ClickHouse server`,
  async run(args) {
    const p = parseArgs(args, ["open-sample"], ["port", "host", "root", "clickhouse"]);
    if (p.positionals.length > 0) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
    const portText = flag(p, "port") ?? "4173";
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}"`);
    const host = flag(p, "host") ?? "127.0.0.1";
    const root = flag(p, "root") ?? findAppRoot();
    if (!root || !existsSync(join(root, "index.html"))) {
      process.stderr.write(`quarry serve: the web app is not built (no index.html in ${root ?? "apps/web/dist"}); run "pnpm build" first\n`);
      return 1;
    }
    const clickhouse = flag(p, "clickhouse");
    const server = createQuarryServer([...extraHandlers, ...(clickhouse ? [clickhouseProxy(clickhouse.replace(/\/+$/, ""))] : []), staticHandler(root)]);
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(port, host, () => ok());
    });
    const addr = server.address();
    const actual = typeof addr === "object" && addr ? addr.port : port;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    const url = `http://${shownHost}:${actual}/${p.flags.has("open-sample") ? "?sample=1" : ""}`;
    process.stdout.write(`Quarry is running at ${url}\nServing ${root}. Press Ctrl+C to stop.\n`);
    return new Promise<number>((done) => {
      const stop = () => server.close(() => done(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};
