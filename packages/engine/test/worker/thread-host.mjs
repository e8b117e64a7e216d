// A real worker thread serving the engine, for tests that need the host busy on another thread.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { serveEngine } = await import("../../src/index.ts");
serveEngine({
  postMessage: (m) => parentPort.postMessage(m),
  addEventListener: (_type, listener) => parentPort.on("message", (data) => listener({ data })),
});
parentPort.postMessage({ id: -1, kind: "ready" });
