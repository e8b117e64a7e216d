/**
 * Registers every normaliser family (imported for its side effect by the ingest job). Order
 * matters: the first match wins, so Sysmon and Security come before the generic Windows one.
 */
import "./sysmon.ts";
import "./windows.ts";
import "./network.ts";
import "./ecs.ts";
