// The foundation journeys: the catalogue in Arabic and English, search, a service's
// start page by deep link, the 404 page, focus on route change, keyboard and 320 px.
const { test, expect, expectNoAxeViolations, openIn, expectNoHorizontalScroll } = require("./support");

test("the catalogue opens in Arabic, right to left, grouped by agency", async ({ page }) => {
  await page.goto("/");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("lang", "ar");
  await expect(html).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();
  await expect(page).toHaveTitle("الخدمات الحكومية - نافذة");
  const municipality = page.getByRole("region", { name: "أمانة المنطقة الشرقية" });
  await expect(municipality.getByRole("link", { name: "بلاغ تلف الطرق" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2 })).toHaveCount(8);
  await expectNoAxeViolations(page);
});

test.describe("with a browser that prefers English", () => {
  test.use({ locale: "en-GB" });

  test("a first visit opens in English; a link's ?lang= wins and is remembered; switching drops it from the address", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
    await page.goto("/track?lang=ar");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByRole("heading", { level: 1, name: "تابع طلبًا" })).toBeVisible();
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();

    await page.goto("/track?ref=123&lang=ar");
    await page.getByRole("link", { name: /English/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Track a request" })).toBeVisible();
    await expect(page).toHaveURL(/\/track\?ref=123$/);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Track a request" })).toBeVisible();
  });
});

test.describe("with a browser that prefers French", () => {
  test.use({ locale: "fr-FR" });

  test("a first visit opens in Arabic", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "ar");
    await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();
  });
});

test("switching to English changes the page and is remembered after a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();
  await page.getByRole("link", { name: /English/ }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Road damage report" })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
  await page.getByRole("link", { name: /العربية/ }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
});

for (const [locale, query, expected, absent, count] of [
  ["en", "licence", "Professional licence", "Road damage report", /^\d+ services$/],
  ["ar", "بلاغ", "بلاغ تلف الطرق", "رخصة بناء", /خدمات$/],
]) {
  test(`searching (${locale}) filters the services and keeps the search in the address`, async ({ page }) => {
    await openIn(page, locale, "/");
    const search = page.getByRole("searchbox");
    await search.fill(query);
    await expect(page.getByRole("link", { name: expected })).toBeVisible();
    await expect(page.getByRole("link", { name: absent })).toHaveCount(0);
    await expect(page.getByRole("main").getByText(count)).toBeVisible();
    await expect(page.getByRole("status")).toHaveText(count);
    await expect(page).toHaveURL(new RegExp(`\\?q=${encodeURIComponent(query)}$`));
    await expectNoAxeViolations(page);

    await page.reload();
    await expect(page.getByRole("searchbox")).toHaveValue(query);
    await expect(page.getByRole("link", { name: expected })).toBeVisible();
    await expect(page.getByRole("link", { name: absent })).toHaveCount(0);
  });
}

test("a search with no match says so", async ({ page }) => {
  await openIn(page, "en", "/?q=zzzz");
  await expect(page.getByText("No service matches your search")).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a deep link to a service loads its start page, and survives a reload", async ({ page }) => {
  await page.goto("/services/epm-construction-permit");
  await expect(page.getByRole("heading", { level: 1, name: "رخصة بناء" })).toBeVisible();
  await expect(page.getByText("500 ريال")).toBeVisible();
  await expect(page.getByText("10 أيام عمل")).toBeVisible();
  await expect(page.getByRole("heading", { name: "ما تحتاج إلى تجهيزه" })).toBeVisible();
  await expect(page.getByText("صك الملكية")).toBeVisible();
  await expectNoAxeViolations(page);

  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "رخصة بناء" })).toBeVisible();
  await page.getByRole("link", { name: /English/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Construction permit" })).toBeVisible();
  await expect(page.getByText("SAR 500")).toBeVisible();
  await expect(page.getByText("10 working days")).toBeVisible();
  await expect(page.getByText("Photos (optional)").or(page.getByText("Title deed number"))).toBeVisible();
  await expectNoAxeViolations(page);
});

test("following a link moves focus to the new page's heading and announces it", async ({ page }) => {
  await openIn(page, "en", "/");
  await page.getByRole("link", { name: "Road damage report" }).click();
  const heading = page.getByRole("heading", { level: 1, name: "Road damage report" });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  await expect(page.getByRole("status").filter({ hasText: "Road damage report - Nafitha" })).toHaveCount(1);
  await expect(page).toHaveTitle("Road damage report - Nafitha");

  await page.getByRole("link", { name: "All services" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeFocused();
});

test("an unknown page and an unknown service say not found, with a way back", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1, name: "الصفحة غير موجودة" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "العودة إلى جميع الخدمات" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();

  await openIn(page, "en", "/services/no-such-service");
  await expect(page.getByRole("heading", { level: 1, name: "Service not found" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the keyboard alone reaches the skip link, the language switch and a service", async ({ page }) => {
  await openIn(page, "en", "/");
  await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("searchbox")).toBeFocused();
  await page.keyboard.type("excavation");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Excavation permit" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Excavation permit" })).toBeFocused();

  // Back past "All services", "My licences", "My requests" and "Track a request" to the
  // language switch.
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("link", { name: "All services" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("link", { name: "My licences" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("link", { name: "My requests" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("link", { name: "Track a request" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("link", { name: /العربية/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "تصريح حفريات" })).toBeVisible();
});

test("every page fits a 320 px screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const locale of ["ar", "en"]) {
    for (const path of ["/", "/services/mim-emergency-operating-permit", "/nowhere"]) {
      await openIn(page, locale, path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: locale === "ar" ? "جارٍ التحميل" : "Loading" })).toHaveCount(0);
      await expectNoHorizontalScroll(page);
    }
  }
});

test("the security policy refuses a script slipped into the page, and the journeys hear of it", async ({ page, cspViolations }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();

  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.slippedIn = true;";
    document.body.append(script);
  });

  await expect.poll(() => cspViolations.join("\n")).toContain("script-src");
  expect(await page.evaluate(() => window.slippedIn)).toBeUndefined();
  // Expected here; every other journey must report none.
  cspViolations.length = 0;
});
