// Offline (issue 16). The service worker (public/sw.js): after one visit the app opens
// without a connection, says it is offline where it needs data, and an address never
// visited shows the offline page in both languages; the API is never answered from the
// worker's cache. The app: a tracked request reads offline as this device last received
// it, and a request sent offline goes out from whichever page is open when the
// connection returns, once.
const {
  test,
  expect,
  expectNoAxeViolations,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  fileInquiry,
  filingMessagesTo,
  sendInquiryOffline,
} = require("./support");

/** Opens `path` and waits until the service worker controls the page. */
async function underServiceWorker(page, locale, path) {
  await openIn(page, locale, path);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

test("after one visit the app opens offline, and an unvisited address shows the offline page", async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "offline is a phone's case");
  // Installed, in control of this page, and keeping the page and its files.
  await underServiceWorker(page, "en", "/");
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
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

  // Back online: pages come from the network again (the worker may see the connection
  // return a moment after the page does: the navigation is tried again until it has).
  await context.setOffline(false);
  await expect(async () => {
    await page.goto("/track");
    await expect(page.getByRole("heading", { level: 1, name: "Track a request" })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
});

test("in Arabic: a tracked request reloaded offline shows what this device last received, and when", async ({ page, context, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "offline is a phone's case");
  const reference = await fileInquiry(request, "هند العتيبي", "سؤال عن الرسوم");
  const grouped = new RegExp(`^${reference.slice(0, 4)}\\s${reference.slice(4, 8)}\\s${reference.slice(8)}$`);

  await underServiceWorker(page, "ar", "/");
  await page.goto(`/track?ref=${reference}`);
  await expect(page.getByText(grouped)).toBeVisible();
  await expect(page.getByText("أنت غير متصل بالإنترنت. هذه آخر حالة")).toHaveCount(0);

  await context.setOffline(true);
  await page.reload();
  // The page and the app from the device, the answer as it last arrived, said to be so.
  await expect(page.getByRole("heading", { level: 1, name: "تابع طلبًا" })).toBeVisible();
  await expect(page.getByText(grouped)).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "سجل الطلب" })).toBeVisible();
  const notice = page.getByRole("status").filter({ hasText: "أنت غير متصل بالإنترنت. هذه آخر حالة وصلت إلى هذا الجهاز، في" });
  await expect(notice).toBeVisible();
  // When it arrived: this year, in Riyadh, as the page gives its times.
  const year = await page.evaluate(() => new Intl.DateTimeFormat("en", { timeZone: "Asia/Riyadh", year: "numeric" }).format(new Date()));
  await expect(notice).toContainText(year);
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  // Still offline, trying again asks the network, and keeps what was kept, and the
  // button keeps the focus.
  const tried = page.waitForEvent("requestfailed", (r) => r.url().includes(`/api/v1/track/${reference}`));
  await notice.getByRole("button", { name: "حاول مرة أخرى" }).click();
  await tried;
  await expect(notice).toBeVisible();
  await expect(page.getByText(grouped)).toBeVisible();
  await expect(notice.getByRole("button", { name: "حاول مرة أخرى" })).toBeFocused();

  // Back online: the fresh answer, and nothing said about the device.
  await context.setOffline(false);
  await notice.getByRole("button", { name: "حاول مرة أخرى" }).click();
  await expect(notice).toHaveCount(0);
  await expect(page.getByText(grouped)).toBeVisible();
});

test("in English: a kept tracking page is not taken as fresh when the server is out of reach and the device seems online", async ({ page, context, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "offline is a phone's case");
  const reference = await fileInquiry(request, "Huda Saleh", "A question about fees");
  const grouped = new RegExp(`^${reference.slice(0, 4)}\\s${reference.slice(4, 8)}\\s${reference.slice(8)}$`);
  await underServiceWorker(page, "en", "/");
  await page.goto(`/track?ref=${reference}`);
  await expect(page.getByText(grouped)).toBeVisible();

  // The device online, the server out of reach (down, or a captive portal): the worker's
  // fetch of the page and the app's of the answer both fail.
  const unreachable = (url) => url.pathname === "/track" || url.pathname.startsWith("/api/");
  await context.route(unreachable, (route) => route.abort("connectionrefused"));
  const asked = page.waitForEvent("requestfailed", (r) => r.url().includes(`/api/v1/track/${reference}`));
  await page.reload();
  // The kept page, without the answer written in it: the app asked again, and shows the
  // answer the device kept as such rather than as fresh.
  await asked;
  await expect(page.getByText(grouped)).toBeVisible();
  const notice = page.getByRole("status").filter({ hasText: "You are offline. This is where the request stood when this device last received it, on" });
  await expect(notice).toBeVisible();
  await expectNoAxeViolations(page);

  // Reachable again: the next visit is fresh, with nothing said about the device.
  await context.unroute(unreachable);
  await page.reload();
  await expect(page.getByText(grouped)).toBeVisible();
  await expect(notice).toHaveCount(0);
});

test("in English: a request sent offline goes out from another page when the connection returns, once", async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "offline is a phone's case");
  const mobile = uniqueMobile();
  await sendInquiryOffline(page, context, { subject: "Queued filing", question: "Sent from a tunnel.", name: "Sami Haddad", mobile });
  // Another page of the app; the request waits on the device.
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Track a request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Track a request" })).toBeVisible();

  await context.setOffline(false);
  const sent = page.getByRole("main").getByText("Your request that was waiting on this device has been sent. Its reference number:");
  await expect(sent).toBeVisible();
  await expectNoAxeViolations(page);
  const link = page.getByRole("link", { name: /^\d{4}\s\d{4}\s\d{4}$/ });
  const grouped = (await link.innerText()).trim();
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: "Request received" })).toBeVisible();
  await expect(page.getByText(grouped).first()).toBeVisible();
  // The news was for the page it arrived on.
  await expect(sent).toHaveCount(0);

  // Filed once: one message for this number, and the draft is gone from the device.
  const filed = await filingMessagesTo(page, mobile);
  expect(filed).toHaveLength(1);
  expect(filed[0].body.replace(/\s/g, "")).toContain(grouped.replace(/\s/g, ""));
  await page.goto("/services/mof-general-inquiry/apply");
  await expect(page.getByLabel("Subject")).toHaveValue("");
});
