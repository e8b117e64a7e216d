import type { EngineClient, IngestSource, IngestSummary } from "@quarry/engine";
import { createStore } from "../../app/store.ts";

export type JobState = "queued" | "loading" | "done" | "failed" | "cancelled";

/** One file being (or having been) loaded. */
export interface FileJob {
  id: number;
  name: string;
  /** Size in bytes when known up front (File, sample index), else null. */
  size: number | null;
  state: JobState;
  bytes: number;
  events: number;
  problems: number;
  summary: IngestSummary | null;
  error: string | null;
}

interface Entry {
  source: IngestSource;
  abort: AbortController;
}

/**
 * The load queue. Files load one after another (so ingest order, the EQL tiebreaker, matches
 * the CLI's), each with live progress and its own cancel. Sources of loaded files are kept so a
 * restarted engine can load them again.
 */
export class IngestQueue {
  readonly jobs = createStore<FileJob[]>([]);
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();
  private chain: Promise<void> = Promise.resolve();

  /** Whether the loaded data is saved in this browser (IndexedDB), for the datasets panel. */
  readonly saved = createStore<string | null>(null);
  /** Files the last restore brought back from this browser's storage. */
  readonly restored = createStore<number>(0);
  private pending = 0;

  constructor(
    private readonly engine: EngineClient,
    private readonly onLoaded: () => void,
  ) {
    // Restoring comes first in the chain, so a file dropped meanwhile loads after it.
    this.chain = this.engine.call("restore", {}).then(
      (status) => {
        if (status && status.files.length > 0) {
          this.restored.set(status.files.length);
          this.saved.set("restored");
          this.onLoaded();
        }
      },
      () => {},
    );
  }

  /** Queues files (from a drop or the picker). */
  addFiles(files: File[]): void {
    for (const f of files) this.enqueue(f.name, f.size, { kind: "blob", blob: f });
  }

  /** Queues a file the worker fetches from this origin. */
  addUrl(name: string, url: string, size: number | null): void {
    this.enqueue(name, size, { kind: "url", url });
  }

  /** Stops a queued or running load; a running one leaves nothing half-loaded. */
  cancel(id: number): void {
    this.entries.get(id)?.abort.abort();
    this.update(id, (j) => (j.state === "queued" ? { ...j, state: "cancelled" } : j));
  }

  /** Forgets every file, in the engine too. */
  async clear(): Promise<void> {
    for (const e of this.entries.values()) e.abort.abort();
    this.entries.clear();
    this.jobs.set([]);
    await this.engine.call("reset", {});
    this.onLoaded();
  }

  /** Forgets one loaded file (its place in the engine's file list), in the engine and in storage. */
  async removeFile(index: number, name: string): Promise<void> {
    await this.engine.call("removeFile", { index });
    const job = this.jobs.get().find((j) => j.name === name && j.state === "done");
    if (job) {
      this.entries.delete(job.id);
      this.jobs.set((js) => js.filter((j) => j !== job));
    }
    this.onLoaded();
    await this.engine.call("persist", {}).catch(() => {});
  }

  /** Loads every finished file again into a fresh engine (after a crash). */
  reloadAll(): void {
    const done = this.jobs.get().filter((j) => j.state === "done");
    this.jobs.set([]);
    for (const j of done) {
      const e = this.entries.get(j.id);
      if (e) this.enqueue(j.name, j.size, e.source);
    }
  }

  private enqueue(name: string, size: number | null, source: IngestSource): void {
    const id = this.nextId++;
    const entry: Entry = { source, abort: new AbortController() };
    this.entries.set(id, entry);
    this.jobs.set((js) => [...js, { id, name, size, state: "queued", bytes: 0, events: 0, problems: 0, summary: null, error: null }]);
    this.pending++;
    this.chain = this.chain
      .then(() => this.run(id, name, entry))
      .finally(() => {
        // Once the queue is empty, the dataset is saved so a reload keeps it.
        if (--this.pending === 0)
          void this.engine.call("persist", {}).then(
            (r) => this.saved.set(r.bytes > 0 ? "saved" : "not saved"),
            (e: Error) => this.saved.set(`not saved: ${e.message}`),
          );
      });
  }

  private async run(id: number, name: string, entry: Entry): Promise<void> {
    if (entry.abort.signal.aborted) return;
    this.update(id, (j) => ({ ...j, state: "loading" }));
    try {
      // A fetched file (the sample) that is already loaded, e.g. restored from this browser, is not loaded twice.
      const size = this.jobs.get().find((j) => j.id === id)?.size ?? null;
      if (entry.source.kind === "url" && size !== null) {
        const have = (await this.engine.call("status", {})).files.find((f) => f.name === name && f.bytes === size);
        if (have) {
          this.update(id, (j) => ({ ...j, state: "done", bytes: have.bytes, events: have.events, problems: have.problems, summary: null }));
          return;
        }
      }
      const summary = await this.engine.call("ingest", { name, source: entry.source }, {
        signal: entry.abort.signal,
        onProgress: (p) => this.update(id, (j) => ({ ...j, bytes: p.bytes, events: p.events, problems: p.problems })),
      });
      this.update(id, (j) => ({ ...j, state: "done", bytes: summary.bytes, events: summary.events, problems: summary.problemTotal, summary, size: j.size ?? summary.bytes }));
      this.onLoaded();
    } catch (e) {
      const err = e as Error;
      const cancelled = err.name === "CancelledError";
      if (!cancelled) this.entries.delete(id);
      this.update(id, (j) => ({ ...j, state: cancelled ? "cancelled" : "failed", error: cancelled ? null : err.message }));
    }
  }

  private update(id: number, fn: (j: FileJob) => FileJob): void {
    this.jobs.set((js) => js.map((j) => (j.id === id ? fn(j) : j)));
  }
}

/** Whether the analyst loaded the sample dataset (a share URL then asks the recipient to load it too). */
export const sampleRequested = createStore<boolean>(false);

/** One entry of `public/sample/index.json`. */
export interface SampleFile {
  name: string;
  url: string;
  size: number | null;
}

/**
 * Reads the sample index. Accepts a list of names or `{files: [...]}` whose entries are names or
 * `{name|path|file, bytes|size}` objects; anything else is an error naming what was found.
 */
export function parseSampleIndex(json: unknown, base: string): SampleFile[] {
  const list = Array.isArray(json) ? json : json && typeof json === "object" && Array.isArray((json as { files?: unknown }).files) ? (json as { files: unknown[] }).files : null;
  if (!list) throw new Error("sample/index.json has no list of files");
  return list.map((entry, i) => {
    if (typeof entry === "string") return { name: baseName(entry), url: new URL(entry, base).href, size: null };
    if (entry && typeof entry === "object") {
      const o = entry as Record<string, unknown>;
      const path = [o.path, o.file, o.name].find((v): v is string => typeof v === "string");
      if (path) {
        // A gzipped file's progress counts compressed bytes read, so its gzip size is the total.
        const size = [o.gzipBytes, o.bytes, o.size].find((v): v is number => typeof v === "number") ?? null;
        return { name: typeof o.name === "string" ? baseName(o.name) : baseName(path), url: new URL(path, base).href, size };
      }
    }
    throw new Error(`sample/index.json: entry ${i + 1} names no file`);
  });
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Queues every file of the sample dataset (`public/sample/index.json`, same origin). */
export async function loadSample(queue: IngestQueue): Promise<void> {
  sampleRequested.set(true);
  const base = new URL("sample/", document.baseURI).href;
  const res = await fetch(new URL("index.json", base));
  if (!res.ok) throw new Error(`the sample index is missing (HTTP ${res.status})`);
  for (const f of parseSampleIndex(await res.json(), base)) queue.addUrl(f.name, f.url, f.size);
}
