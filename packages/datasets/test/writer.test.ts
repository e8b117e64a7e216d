import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Dataset, ingestBytes } from "@quarry/engine";
import { afterAll, describe, expect, it } from "vitest";
import type { Manifest } from "../src/index.ts";
import { MemorySink, generateToDirectory } from "../src/node.ts";
import { generate } from "../src/index.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sha256(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

describe("files on disk", () => {
  it("generateToDirectory writes every file and a manifest whose sizes and hashes match the bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "quarry-gen-"));
    dirs.push(dir);
    const m = generateToDirectory(dir, { events: 5000, seed: "disk" });
    const onDisk = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    expect(onDisk).toEqual(m);
    expect(readdirSync(dir).sort()).toEqual([...m.files.map((f) => f.name), "manifest.json"].sort());
    for (const f of m.files) {
      const bytes = readFileSync(join(dir, f.name));
      expect(bytes.length, f.name).toBe(f.bytes);
      expect(sha256(bytes), f.name).toBe(f.sha256);
    }
    // The same seed written through memory gives the same bytes as written to disk.
    const mem = new MemorySink();
    generate({ events: 5000, seed: "disk" }, mem);
    for (const f of m.files) expect(sha256(mem.bytes(f.name)), f.name).toBe(f.sha256);
  }, 60_000);
});

describe("public/sample (what the web app offers on first start)", () => {
  const dir = new URL("../../../public/sample/", import.meta.url);
  const index = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as { seed: string; events: number; files: { name: string; events: number; bytes: number }[] };
  const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as Manifest;

  it("is about 50k events, under 5 MB, and lists every file", () => {
    let total = 0;
    for (const f of readdirSync(dir)) total += readFileSync(new URL(f, dir)).length;
    expect(total).toBeLessThan(5 * 1024 * 1024);
    expect(index.events).toBe(manifest.events);
    expect(index.events).toBeGreaterThan(45000);
    expect(index.events).toBeLessThan(55000);
    expect(index.files.map((f) => f.name).sort()).toEqual(manifest.files.map((f) => f.name + ".gz").sort());
  });

  it("decompresses to exactly the manifest's bytes and loads through the engine with zero problems", () => {
    const ds = new Dataset();
    for (const f of index.files) {
      const gz = readFileSync(new URL(f.name, dir));
      const m = manifest.files.find((x) => x.name + ".gz" === f.name)!;
      expect(sha256(gunzipSync(gz)), f.name).toBe(m.sha256);
      const s = ingestBytes(ds, f.name, gz);
      expect({ file: f.name, problems: s.problemTotal, events: s.events }).toEqual({ file: f.name, problems: 0, events: m.events });
    }
    expect(ds.rowCount).toBe(manifest.events);
  }, 120_000);

  it("is what the current generator produces for its seed (regenerate with `pnpm --filter @quarry/datasets sample`)", () => {
    const mem = new MemorySink();
    const fresh = generate({ events: manifest.requestedEvents, seed: manifest.seed }, mem);
    expect(fresh.events).toBe(manifest.events);
    for (const f of manifest.files) expect(sha256(mem.bytes(f.name)), f.name).toBe(f.sha256);
  }, 120_000);
});
