// Vite config: the app lives here, the sample dataset in the repo's /public, output in ./dist.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** The page's Content-Security-Policy: nothing leaves the origin. `quarry serve` sends the same as a header. */
export const CSP = "default-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";

/** Adds the CSP meta tag to the built page only: the dev server's React refresh needs an inline script. */
function cspMeta(): Plugin {
  return {
    name: "quarry-csp-meta",
    apply: "build",
    transformIndexHtml: (html) => html.replace("<head>", `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  publicDir: fileURLToPath(new URL("../../public", import.meta.url)),
  plugins: [react(), cspMeta()],
  resolve: {
    // Monaco's icon font CSS is not in its package exports; it is bundled from the package itself.
    alias: { "monaco-codicon-css": fileURLToPath(new URL("./node_modules/monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css", import.meta.url)) },
  },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
});
