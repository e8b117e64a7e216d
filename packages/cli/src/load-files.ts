import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Dataset, IngestJob, type IngestSummary } from "@quarry/engine";

/** Loads files into one dataset through the engine's streaming ingest, 1 MiB at a time. */
export async function loadFiles(paths: string[], dataset = new Dataset()): Promise<{ dataset: Dataset; summaries: IngestSummary[] }> {
  const summaries: IngestSummary[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info || !info.isFile()) {
      summaries.push(missingFile(path, info ? "not a regular file" : "file not found"));
      continue;
    }
    const job = new IngestJob(dataset, basename(path));
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) job.write(chunk as Uint8Array);
    summaries.push(job.end());
  }
  return { dataset, summaries };
}

function missingFile(path: string, reason: string): IngestSummary {
  return {
    file: basename(path),
    format: null,
    bytes: 0,
    events: 0,
    sourcetypes: {},
    problems: [{ file: basename(path), reason: `${reason}: ${path}` }],
    problemCounts: { [reason]: 1 },
    problemTotal: 1,
  };
}
