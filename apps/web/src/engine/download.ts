import type { ViewRef } from "@quarry/engine";
import { engine } from "./client.ts";

/** Exports a view's events or a table result from the worker and saves it as a file. */
export async function downloadExport(what: { view?: ViewRef; table?: number }, format: "csv" | "ndjson", timeZone: string): Promise<{ rows: number; truncated: boolean }> {
  const res = await engine.call("export", { ...what, format, timeZone });
  const blob = new Blob([res.text], { type: format === "csv" ? "text/csv" : "application/x-ndjson" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `quarry-export-${new Date().toISOString().replace(/[:.]/g, "-")}.${format === "csv" ? "csv" : "ndjson"}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { rows: res.rows, truncated: res.truncated };
}
