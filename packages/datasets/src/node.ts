import { createHash, type Hash } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { generate, type GenerateOptions } from "./generate.ts";
import type { Manifest } from "./manifest.ts";
import type { ByteSink } from "./output.ts";

/** Writes each file straight to disk (synchronous appends) and hashes it on the way. */
class DirectorySink implements ByteSink {
  private readonly fds = new Map<string, { fd: number; hash: Hash }>();
  constructor(private readonly dir: string) {}

  write(name: string, bytes: Uint8Array): void {
    let f = this.fds.get(name);
    if (!f) {
      f = { fd: openSync(join(this.dir, name), "w"), hash: createHash("sha256") };
      this.fds.set(name, f);
    }
    let off = 0;
    while (off < bytes.length) off += writeSync(f.fd, bytes, off, bytes.length - off);
    f.hash.update(bytes);
  }

  /** Closes every file; returns hex SHA-256 per file name. */
  close(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, f] of this.fds) {
      closeSync(f.fd);
      out.set(name, f.hash.digest("hex"));
    }
    return out;
  }
}

/** Generates into `dir` (created if missing): one raw file per sourcetype plus manifest.json. */
export function generateToDirectory(dir: string, opts: GenerateOptions): Manifest {
  mkdirSync(dir, { recursive: true });
  const sink = new DirectorySink(dir);
  let manifest: Manifest;
  try {
    manifest = generate(opts, sink);
  } catch (e) {
    sink.close();
    throw e;
  }
  const hashes = sink.close();
  for (const f of manifest.files) f.sha256 = hashes.get(f.name);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** Keeps whole files in memory (small sets only: the web sample, tests). */
export class MemorySink implements ByteSink {
  readonly files = new Map<string, Uint8Array[]>();
  write(name: string, bytes: Uint8Array): void {
    const list = this.files.get(name) ?? [];
    list.push(bytes.slice());
    this.files.set(name, list);
  }
  /** The concatenated bytes of one file. */
  bytes(name: string): Uint8Array {
    const parts = this.files.get(name) ?? [];
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Generates a small gzip-compressed set for the web app: `NAME.gz` files, manifest.json and index.json. */
export function generateGzipSample(dir: string, opts: GenerateOptions): Manifest {
  mkdirSync(dir, { recursive: true });
  const sink = new MemorySink();
  const manifest = generate(opts, sink);
  const index: { name: string; sourcetype: string; events: number; bytes: number; gzipBytes: number }[] = [];
  for (const f of manifest.files) {
    const raw = sink.bytes(f.name);
    f.sha256 = createHash("sha256").update(raw).digest("hex");
    // mtime 0 and a fixed level keep the .gz bytes identical across runs.
    const gz = gzipSync(raw, { level: 9 });
    writeFileSync(join(dir, f.name + ".gz"), gz);
    index.push({ name: f.name + ".gz", sourcetype: f.sourcetype, events: f.events, bytes: f.bytes, gzipBytes: gz.length });
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  writeFileSync(join(dir, "index.json"), JSON.stringify({ generator: manifest.generator, seed: manifest.seed, events: manifest.events, manifest: "manifest.json", files: index }, null, 2) + "\n");
  return manifest;
}
