// Playwright runs the specs in Debian's Chromium against the built app served by `quarry serve`.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "specs",
  outputDir: "test-results",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  // The machine is shared: one browser at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: {
    // Port 0: the server picks a free port and prints it; the named group lands in process.env.QUARRY_PORT.
    command: "node ../packages/cli/dist/quarry.js serve --port 0 --host 127.0.0.1",
    wait: { stdout: /Quarry is running at http:\/\/127\.0\.0\.1:(?<quarry_port>\d+)\// },
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
