// The service worker (public/sw.js, issue 16): after one visit the app opens without a
// connection, says it is offline where it needs data, and an address never visited shows
// the offline page in both languages. The API is never answered from the worker's cache.
const { test, expect, expectNoAxeViolations, openIn, expectNoHorizontalScroll } = require("./support");

test("after one visit the app opens offline, and an unvisited address shows the offline page", async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "offline is a phone's case");
  await openIn(page, "en", "/");
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
  // Installed, in control of this page, and keeping the page and its files.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await page.goto("/services/epm-road-damage");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const kept = await page.evaluate(async () => (await (await caches.open("nafitha-pages-v1")).keys()).map((r) => new URL(r.url).pathname));
  expect(kept).toEqual(expect.arrayContaining(["/", "/offline.html", "/services/epm-road-damage"]));
  const files = await page.evaluate(async () => (await (await caches.open("nafitha-assets-v1")).keys()).map((r) => new URL(r.url).pathname));
  expect(files.some((f) => f.endsWith("_bg.wasm")), `kept files: ${files}`).toBe(true);

  await context.setOffline(true);
  // The home page opens from the device: the app starts, and says what it cannot load.
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
  await expect(page.getByText("You seem to be offline. Check your connection and try again.")).toBeVisible();
  await expectNoAxeViolations(page);
  // A page seen online opens too; the API was never kept, so its data is not shown stale.
  await page.goto("/services/epm-road-damage");
  await expect(page.getByText("You seem to be offline. Check your connection and try again.")).toBeVisible();
  const api = await page.evaluate(async () => (await caches.keys()).length && (await Promise.all((await caches.keys()).map(async (name) => (await (await caches.open(name)).keys()).filter((r) => new URL(r.url).pathname.startsWith("/api/")).length))).reduce((a, b) => a + b, 0));
  expect(api, "API answers kept by the worker").toBe(0);

  // An address never visited: the offline page, in Arabic and English.
  await page.goto("/track");
  await expect(page.getByRole("heading", { level: 1, name: "لا يوجد اتصال بالإنترنت" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "You are offline" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  await page.getByRole("link", { name: "Home page" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();

  // Back online: pages come from the network again.
  await context.setOffline(false);
  await page.goto("/track");
  await expect(page.getByRole("heading", { level: 1, name: "Track a request" })).toBeVisible();
});
