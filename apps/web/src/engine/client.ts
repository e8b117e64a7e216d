import { EngineClient, type EngineTransport, type FromWorker } from "@quarry/engine";
import EngineWorker from "./engine.worker.ts?worker";

/** Connects a fresh engine Web Worker; its uncaught errors count as death. */
function workerTransport(): EngineTransport {
  const worker = new EngineWorker({ name: "quarry-engine" });
  return {
    send: (m) => worker.postMessage(m),
    onMessage: (l) => worker.addEventListener("message", (ev: MessageEvent<FromWorker>) => l(ev.data)),
    onDeath: (l) => {
      worker.addEventListener("error", (ev: ErrorEvent) => l(ev.message || "the engine worker failed"));
      worker.addEventListener("messageerror", () => l("a message could not be read"));
    },
    close: () => worker.terminate(),
  };
}

/** The tab's one engine client. */
// Shared memory (cross-origin isolated pages: `quarry serve` sends COOP/COEP) lets a cancel
// reach a query while it runs; elsewhere cancel takes effect between calls.
export const engine = new EngineClient(workerTransport, { sharedCancel: globalThis.crossOriginIsolated === true });

// Lets e2e tests (and curious analysts in the console) reach the engine; it holds no secrets.
(globalThis as { quarryEngine?: EngineClient }).quarryEngine = engine;
