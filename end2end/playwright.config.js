// End-to-end journeys in Debian's Chromium against the release server and built app.
// Playwright never downloads a browser here; `make setup` installs /usr/bin/chromium.
const path = require("path");
const { defineConfig } = require("@playwright/test");
const { ROOT, SERVER, DATA } = require("./paths");

const port = Number(process.env.E2E_PORT || 18080);

module.exports = defineConfig({
  testDir: "./tests",
  // A journey visits several pages, each compiling its app's WASM, and runs axe several
  // times. On a quiet 2-core machine most take 5-25 s; CI's shared machines run at about
  // half that speed (2026-12-01: eight journeys past a 30 s limit, all stopped mid-step
  // by the timeout, none by a wrong answer; the same eight timed out here with both cores
  // busy). The limit is for a journey that hangs, not a measure of speed: Lighthouse and
  // bench/ measure speed. `test.slow()` triples it for the longest journeys.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Most users' browsers prefer Arabic; a first visit follows the browser's language
    // (catalogue.spec.js tries English and French ones).
    locale: "ar",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { viewport: { width: 1280, height: 800 } } },
    {
      name: "mobile",
      use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
  ],
  webServer: {
    // A fresh database every run, so the journeys start from the seeded catalogue.
    command: `rm -rf '${DATA}' && exec '${SERVER}'`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      NAFITHA_ADDR: `127.0.0.1:${port}`,
      NAFITHA_DATA_DIR: DATA,
      NAFITHA_DIST: path.join(ROOT, "dist"),
      NAFITHA_LOG: "warn",
      // Every journey, on both projects, comes from this one address and reuses a few
      // numbers: far more than one citizen would. The limits themselves are tested by
      // the API tests (crates/server/tests/api/limits.rs).
      NAFITHA_FILINGS_PER_CLIENT_HOUR: "10000",
      NAFITHA_FILINGS_PER_PHONE_HOUR: "10000",
      NAFITHA_SMS_PER_PHONE_DAY: "10000",
      NAFITHA_TRACK_PER_MINUTE: "10000",
      NAFITHA_SIGN_IN_PER_MINUTE: "10000",
      NAFITHA_UPLOADS_PER_CLIENT_HOUR: "10000",
    },
  },
});
