/**
 * Quarry's side of the benchmark inside a browser Web Worker: fetch the raw files (untimed), time
 * ingest and every operation like the Node run, and post timings plus answer digests back.
 */
import { answerDigest } from "./answer.ts";
import { quarryAnswer, quarryIngest, quarryRun, type OpId } from "./quarry-ops.ts";
import { summarize, type Timing } from "./timing.ts";

/** What the page asks the worker to do. */
export interface WorkerRequest {
  files: Array<{ name: string; ndjson: boolean }>;
  ops: OpId[];
  reps: number;
}

/** What the worker answers. */
export interface WorkerResponse {
  ndjson: { bytes: number; timing: Timing };
  all: { bytes: number; events: number; timing: Timing };
  ops: Array<{ id: OpId; timing: Timing; digest: string }>;
  error?: string;
}

function timeRuns<T>(fn: () => T, reps: number, warmup: number): { timing: Timing; result: T } {
  let result!: T;
  for (let i = 0; i < warmup; i++) result = fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { timing: summarize(times), result };
}

async function run(req: WorkerRequest): Promise<WorkerResponse> {
  const files: Array<{ name: string; bytes: Uint8Array; ndjson: boolean }> = [];
  for (const f of req.files) files.push({ ...f, bytes: new Uint8Array(await (await fetch(`/raw/${encodeURIComponent(f.name)}`)).arrayBuffer()) });
  const nd = files.filter((f) => f.ndjson);
  const ndRun = timeRuns(() => quarryIngest(nd).events, Math.min(req.reps, 3), 1);
  // One timed whole ingest: the worker's heap holds the raw buffers and one dataset, not two.
  const all = timeRuns(() => quarryIngest(files), 1, 0);
  const ds = all.result.ds;
  const ops = req.ops.map((id) => {
    const r = timeRuns(() => quarryRun(ds, id), req.reps, 1);
    return { id, timing: r.timing, digest: answerDigest(quarryAnswer(id, r.result)) };
  });
  const bytes = (list: typeof files) => list.reduce((n, f) => n + f.bytes.length, 0);
  return { ndjson: { bytes: bytes(nd), timing: ndRun.timing }, all: { bytes: bytes(files), events: all.result.events, timing: all.timing }, ops };
}

// The worker global, typed here because the package compiles against Node's types, not the DOM's.
const scope = globalThis as unknown as { onmessage: (e: { data: WorkerRequest }) => void; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  run(e.data).then(
    (res) => scope.postMessage(res),
    (err: unknown) => scope.postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }),
  );
};
