import { CancelledError, EngineError, type EngineMethod, type FromWorker, type ProgressOf, type RequestOf, type ResultOf, type ToWorker } from "./protocol.ts";

/** A connection to an engine host: a Web Worker in the app, a MessagePort in tests. */
export interface EngineTransport {
  send(message: ToWorker): void;
  /** Registers the receiver of the host's messages. */
  onMessage(listener: (message: FromWorker) => void): void;
  /** Registers the callback for a host that died (uncaught error, failed to load). */
  onDeath(listener: (reason: string) => void): void;
  close(): void;
}

export interface CallOptions<P> {
  onProgress?: (progress: P) => void;
  /** Aborting sends a cancel message; the call then rejects with CancelledError. */
  signal?: AbortSignal;
}

export type EngineState = { kind: "ready" } | { kind: "dead"; reason: string };

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress?: (p: unknown) => void;
  cleanup(): void;
}

/**
 * The typed client of the engine protocol. `call` is the one choke point that assigns request
 * ids. Progress is dispatched to its call's callback; a host that dies rejects every pending
 * call at once, and `restart` connects a fresh host.
 */
export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private transport: EngineTransport;
  private stateValue: EngineState = { kind: "ready" };
  private readonly listeners = new Set<() => void>();

  /** Shared cancel flags, when the page can share memory (cross-origin isolated). */
  private flags: Int32Array | null = null;

  constructor(
    private readonly connect: () => EngineTransport,
    options: { sharedCancel?: boolean } = {},
  ) {
    if (options.sharedCancel && typeof SharedArrayBuffer !== "undefined") this.flags = new Int32Array(new SharedArrayBuffer(4 * 1024));
    this.transport = this.open();
  }

  get state(): EngineState {
    return this.stateValue;
  }

  /** Subscribes to state changes (ready/dead); returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls a protocol method. */
  call<M extends EngineMethod>(method: M, params: RequestOf<M>, options: CallOptions<ProgressOf<M>> = {}): Promise<ResultOf<M>> {
    if (this.stateValue.kind === "dead") return Promise.reject(new Error(`engine is not running (${this.stateValue.reason}); restart it`));
    const id = this.nextId++;
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const flags = this.flags;
    const slot = flags ? id % flags.length : 0;
    if (flags) Atomics.store(flags, slot, 0);
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = (): void => {
        // The flag reaches a run that is busy; the message reaches one waiting on I/O.
        if (flags) Atomics.store(flags, slot, 1);
        this.transport.send({ id, kind: "cancel" });
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        ...(options.onProgress ? { onProgress: options.onProgress as (p: unknown) => void } : {}),
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      });
      try {
        this.transport.send({ id, kind: "call", method, params });
      } catch (e) {
        this.settle(id)?.reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Marks the host dead and rejects every pending call with the reason. */
  fail(reason: string): void {
    if (this.stateValue.kind === "dead") return;
    this.stateValue = { kind: "dead", reason };
    const err = new Error(`engine stopped: ${reason}`);
    err.name = "EngineDeadError";
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err);
    this.transport.close();
    this.emit();
  }

  /** Drops the current host (rejecting its calls) and connects a new, empty one. */
  restart(): void {
    this.fail("restarted");
    this.transport = this.open();
    this.stateValue = { kind: "ready" };
    this.emit();
  }

  /** Ends the connection for good. */
  close(): void {
    this.fail("closed");
  }

  private open(): EngineTransport {
    const t = this.connect();
    if (this.flags) t.send({ id: 0, kind: "init", cancelFlags: this.flags.buffer as SharedArrayBuffer });
    t.onMessage((msg) => {
      if (t !== this.transport) return;
      this.receive(msg);
    });
    t.onDeath((reason) => {
      if (t === this.transport) this.fail(reason);
    });
    return t;
  }

  private receive(msg: FromWorker): void {
    // Progress first: it must not need (or consume) the pending entry.
    if (msg.kind === "progress") {
      this.pending.get(msg.id)?.onProgress?.(msg.progress);
      return;
    }
    const p = this.settle(msg.id);
    if (!p) return;
    if (msg.kind === "result") p.resolve(msg.result);
    else if (msg.error.name === "CancelledError") p.reject(new CancelledError(msg.error.message));
    else p.reject(new EngineError(msg.error));
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    p.cleanup();
    return p;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
