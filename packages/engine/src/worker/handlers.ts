import type { IngestJob } from "../ingest/job.ts";
import type { EngineCore } from "./core.ts";
import { checkQuery, completeQuery } from "./language.ts";
import { viewsOf } from "../views/service.ts";
import { CancelledError, type LoadedFile, type EngineApi, type EngineMethod, type IngestSource, type ProgressOf, type RequestOf, type ResultOf } from "./protocol.ts";

/** What a handler gets besides its params: a progress sink and the cancel flag. */
export interface CallContext<P> {
  progress(p: P): void;
  /** True once the caller cancelled; long handlers check it between batches. */
  readonly cancelled: boolean;
  /** Gives the worker's event loop a turn, so a cancel message can be read. */
  yield(): Promise<void>;
}

/** One handler per protocol method, typed from `EngineApi`. */
export type Handlers = {
  [M in EngineMethod]: (params: RequestOf<M>, ctx: CallContext<ProgressOf<M>>) => ResultOf<M> | Promise<ResultOf<M>>;
};

/** Bytes fed to the parser between cancel checks when the source is an in-memory array. */
const CHUNK = 1 << 20;
/** Least time between two progress messages of one call. */
const PROGRESS_MS = 50;

/** Where snapshots of the dataset are kept (IndexedDB in the browser); absent = no persistence. */
export interface DatasetStorage {
  save(data: Uint8Array, files: LoadedFile[]): Promise<void>;
  load(): Promise<{ data: Uint8Array; files: LoadedFile[] } | null>;
  clear(): Promise<void>;
}

/** The dispatch table over a core. Add a method to `EngineApi`, then its line here. */
export function engineHandlers(core: EngineCore, storage: DatasetStorage | null = null): Handlers {
  return {
    ingest: (p, ctx) => ingest(core, p.name, p.source, ctx),
    status: () => core.status(),
    reset: async () => {
      await storage?.clear();
      return core.reset();
    },
    removeFile: (p) => core.removeFile(p.index),
    persist: async () => {
      if (!storage) return { bytes: 0 };
      const snap = core.snapshot();
      await storage.save(snap.data, snap.files);
      return { bytes: snap.data.length };
    },
    restore: async () => {
      const snap = await storage?.load();
      return snap ? core.load(snap.data, snap.files) : null;
    },
    events: (p) => core.events(p.view, p.offset, p.limit, p.columns),
    event: (p) => core.event(p.seq),
    fieldStats: (p) => core.fieldStats(p.view, p.top),
    histogram: (p) => core.histogram(p.view, p),
    // The executors read the flag between batches; the cancel message itself can only arrive
    // between calls, since a run is one synchronous call.
    query: (p, ctx) => core.query(p, ctx),
    sequences: (p) => core.sequences(p.handle, p.offset, p.limit),
    table: (p) => core.table(p.handle, p.offset, p.limit),
    release: (p) => core.release(p.handle),
    check: (p) => checkQuery(p.lang, p.text),
    export: (p) => core.exportText(p.view, p.table, p.format, p.timeZone),
    complete: (p) => completeQuery(core.dataset, p.lang, p.text, p.offset),
    sankey: (p, ctx) => viewsOf(core).sankey(p, cancelCheck(ctx)),
    processTree: (p, ctx) => viewsOf(core).processTree(p, cancelCheck(ctx)),
    pivot: (p, ctx) => viewsOf(core).pivot(p, cancelCheck(ctx)),
    decode: (p) => viewsOf(core).decode(p),
    lookups: (p) => viewsOf(core).lookupTables(p),
    enrich: (p) => viewsOf(core).enrich(p),
  };
}

/** Streams one file's bytes into the core, reporting progress and stopping on cancel. */
async function ingest(core: EngineCore, name: string, source: IngestSource, ctx: CallContext<ProgressOf<"ingest">>): Promise<ResultOf<"ingest">> {
  const job = core.beginIngest(name);
  const hash = new Fnv64();
  let last = 0;
  const feed = async (chunk: Uint8Array): Promise<void> => {
    if (ctx.cancelled) throw new CancelledError(`loading ${name} was cancelled`);
    hash.update(chunk);
    job.write(chunk);
    const now = Date.now();
    if (now - last >= PROGRESS_MS) {
      last = now;
      ctx.progress(job.progress());
      await ctx.yield();
      if (ctx.cancelled) throw new CancelledError(`loading ${name} was cancelled`);
    }
  };
  switch (source.kind) {
    case "bytes":
      for (let i = 0; i < source.bytes.length; i += CHUNK) await feed(source.bytes.subarray(i, i + CHUNK));
      break;
    case "blob":
      await pump(source.blob.stream(), feed);
      break;
    case "url": {
      const res = await fetch(source.url);
      if (!res.ok || !res.body) throw new Error(`could not fetch ${source.url}: HTTP ${res.status}`);
      await pump(res.body, feed);
      break;
    }
  }
  return finish(core, job, hash.hex(), ctx);
}

function finish(core: EngineCore, job: IngestJob, fingerprint: string, ctx: CallContext<ProgressOf<"ingest">>): ResultOf<"ingest"> {
  const summary = core.finishIngest(job, fingerprint);
  ctx.progress(job.progress());
  return { ...summary, fingerprint };
}

/** 64-bit FNV-1a over a byte stream, kept as two 32-bit halves (Math.imul keeps it fast). */
export class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;
  /** Mixes in the next bytes. */
  update(bytes: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < bytes.length; i++) {
      lo = (lo ^ bytes[i]!) >>> 0;
      // Multiply by the FNV prime 2^40 + 0x1b3, split into 32-bit halves.
      const loMul = lo * 0x1b3;
      const carry = Math.floor(loMul / 0x100000000);
      const newLo = loMul >>> 0;
      hi = (Math.imul(hi, 0x1b3) + Math.imul(lo, 0x100) + carry) >>> 0;
      lo = newLo;
    }
    this.hi = hi;
    this.lo = lo;
  }
  /** The hash as 16 hex digits. */
  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, "0") + (this.lo >>> 0).toString(16).padStart(8, "0");
  }
}

async function pump(stream: ReadableStream<Uint8Array>, feed: (chunk: Uint8Array) => Promise<void>): Promise<void> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      await feed(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

export type { EngineApi };

/** A cancel check for the views: throws once the caller cancelled. */
function cancelCheck(ctx: CallContext<unknown>): () => void {
  return () => {
    if (ctx.cancelled) throw new CancelledError();
  };
}
