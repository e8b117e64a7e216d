// The engine worker entry: a thin shell that serves the engine protocol on the worker's scope,
// with IndexedDB as the place loaded datasets persist.
import { EngineCore, serveEngine, type HostPort } from "@quarry/engine";
import { idbStorage } from "./idb-storage.ts";

serveEngine(self as unknown as HostPort, new EngineCore(), idbStorage);
