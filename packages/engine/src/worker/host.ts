import { EngineCore } from "./core.ts";
import { engineHandlers, type CallContext, type DatasetStorage, type Handlers } from "./handlers.ts";
import { toWireError, type FromWorker, type ToWorker } from "./protocol.ts";

/** The message port the host talks through: a worker's global scope, or a MessagePort in tests. */
export interface HostPort {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", listener: (ev: { data: unknown }) => void): void;
}

/**
 * Serves the engine protocol on a port: the whole worker entry is `serveEngine(self)`.
 * Calls run concurrently; a cancel message flips the call's flag, which its handler checks
 * between batches. Returns the core so tests can inspect it.
 */
export function serveEngine(port: HostPort, core = new EngineCore(), storage: DatasetStorage | null = null, handlers: Handlers = engineHandlers(core, storage)): EngineCore {
  const running = new Map<number, { cancelled: boolean }>();
  let flags: Int32Array | null = null;
  port.addEventListener("message", (ev) => {
    const msg = ev.data as ToWorker;
    if (!msg || typeof msg !== "object" || typeof msg.id !== "number") return;
    if (msg.kind === "init") {
      if (typeof SharedArrayBuffer !== "undefined" && msg.cancelFlags instanceof SharedArrayBuffer) flags = new Int32Array(msg.cancelFlags);
      return;
    }
    if (msg.kind === "cancel") {
      const call = running.get(msg.id);
      if (call) call.cancelled = true;
      return;
    }
    if (msg.kind !== "call") return;
    void run(msg.id, msg.method, msg.params);
  });

  async function run(id: number, method: string, params: unknown): Promise<void> {
    const state = { cancelled: false };
    running.set(id, state);
    const shared = flags;
    const slot = shared ? id % shared.length : 0;
    const ctx: CallContext<unknown> = {
      progress: (progress) => port.postMessage({ id, kind: "progress", progress }),
      get cancelled() {
        return state.cancelled || (shared !== null && Atomics.load(shared, slot) !== 0);
      },
      yield: () => new Promise((resolve) => setTimeout(resolve, 0)),
    };
    try {
      const table = handlers as Record<string, (p: unknown, c: CallContext<unknown>) => unknown>;
      const handler = Object.hasOwn(table, method) ? table[method] : undefined;
      if (!handler) throw new Error(`unknown engine method "${method}"`);
      const result = await handler(params ?? {}, ctx);
      port.postMessage({ id, kind: "result", result });
    } catch (e) {
      port.postMessage({ id, kind: "error", error: toWireError(e) });
    } finally {
      running.delete(id);
    }
  }
  return core;
}
