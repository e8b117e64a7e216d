import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSP, createQuarryServer, staticHandler, type RequestHandler } from "../src/commands/serve.ts";

describe("quarry serve: the static app handler", () => {
  const root = mkdtempSync(join(tmpdir(), "quarry-serve-"));
  mkdirSync(join(root, "assets"));
  mkdirSync(join(root, "sample"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>Quarry</title>");
  writeFileSync(join(root, "assets", "app-1234.js"), "console.log(1)");
  writeFileSync(join(root, "sample", "index.json"), '{"files":[]}');
  writeFileSync(join(root, "sample", "x.log.gz"), Buffer.from([0x1f, 0x8b]));
  const api: RequestHandler = async (req, res) => {
    if (!req.url?.startsWith("/api/")) return false;
    res.writeHead(200, { "Content-Type": "text/plain" }).end("api");
    return true;
  };
  const boom: RequestHandler = async (req) => {
    if (req.url === "/boom") throw new Error("handler failed");
    return false;
  };
  const server = createQuarryServer([boom, api, staticHandler(root)]);
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("serves files with their MIME type, the CSP and cross-origin isolation headers", async () => {
    const res = await fetch(`${base}/assets/app-1234.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(await res.text()).toBe("console.log(1)");
    expect((await fetch(`${base}/sample/index.json`)).headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await fetch(`${base}/sample/x.log.gz`)).headers.get("content-type")).toBe("application/gzip");
  });

  it("answers app routes with index.html, missing assets with 404, and refuses other methods", async () => {
    const page = await fetch(`${base}/investigations/42`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Quarry</title>");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: "POST" })).status).toBe(405);
    const head = await fetch(`${base}/assets/app-1234.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
  });

  it("never serves files outside its root", async () => {
    for (const path of ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd"]) {
      const text = await (await fetch(base + path)).text();
      expect(text).not.toContain("root:");
    }
    expect((await fetch(`${base}/%E0%A4%A`)).status).toBe(400);
  });

  it("runs earlier handlers first, and a throwing handler gives a 500 while the server lives on", async () => {
    expect(await (await fetch(`${base}/api/x`)).text()).toBe("api");
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("handler failed");
    expect((await fetch(`${base}/assets/app-1234.js`)).status).toBe(200);
  });
});
