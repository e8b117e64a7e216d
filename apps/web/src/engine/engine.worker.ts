// The engine worker entry: a thin shell that serves the engine protocol on the worker's scope.
import { serveEngine, type HostPort } from "@quarry/engine";

serveEngine(self as unknown as HostPort);
