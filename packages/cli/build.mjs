// Bundles the CLI into one ESM file so `node dist/quarry.js` starts fast and needs no TS loader.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/quarry.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // Native and heavyweight packages stay external and load from node_modules at run time.
  external: ["@clickhouse/client", "@duckdb/*", "playwright-core"],
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
