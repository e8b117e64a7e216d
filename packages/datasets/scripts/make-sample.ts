/**
 * Regenerates the sample dataset the web app offers on first start: `public/sample/` at the
 * repository root, about 50k events, gzip-compressed raw files + manifest.json + index.json.
 * Run with `pnpm --filter @quarry/datasets sample`.
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateGzipSample } from "../src/node.ts";

const SAMPLE_EVENTS = 50_000;
const SAMPLE_SEED = "botsv2";

const dir = fileURLToPath(new URL("../../../public/sample/", import.meta.url));
rmSync(dir, { recursive: true, force: true });
const started = Date.now();
const manifest = generateGzipSample(dir, { events: SAMPLE_EVENTS, seed: SAMPLE_SEED });
process.stdout.write(`sample: ${manifest.events} events in ${manifest.files.length} files → ${dir} (${Date.now() - started} ms)\n`);
