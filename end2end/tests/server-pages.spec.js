// The public pages come from the server already rendered (issue 16, decision 0018): they
// work without JavaScript, and with it the app takes them over from the same components
// and the same answers, showing the same page and asking the API for nothing again.
const {
  test,
  expect,
  expectAccessibleWithoutScripts,
  fileInquiry,
} = require("./support");

const arabicIndic = (digits) => digits.replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]);

/** Chooses the language as a returning visitor has it: the cookie the server reads. */
async function chooseLanguage(context, baseURL, locale) {
  await context.addCookies([{ name: "nafitha_lang", value: locale, url: baseURL }]);
}

/**
 * A page's `<body>` reduced to what a reader gets: elements with their attributes in
 * order of name, and text with runs of white space made one; scripts, comments, the
 * screen readers' announcer (it speaks of changes, and the app makes some) left out. Runs
 * in the page, on the live document or on HTML parsed there.
 */
function readable(html) {
  const body = html === null ? document.body : new DOMParser().parseFromString(html, "text/html").body;
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.replace(/\s+/g, " ");
      if (text.trim() !== "") {
        if (typeof out[out.length - 1] === "string" && !out[out.length - 1].startsWith("<")) {
          out[out.length - 1] += text;
        } else {
          out.push(text);
        }
      }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "script" || tag === "noscript") return;
    if (node.getAttribute("role") === "status" && node.parentElement === body) return;
    const attributes = [...node.attributes]
      .map((a) => `${a.name}="${a.value}"`)
      .sort()
      .join(" ");
    out.push(`<${tag} ${attributes}>`);
    node.childNodes.forEach(walk);
    out.push(`</${tag}>`);
  };
  body.childNodes.forEach(walk);
  return out.map((s) => (s.startsWith("<") ? s : s.trim())).filter((s) => s !== "");
}

test.describe("the app takes over the server's page", () => {
  // The page's own HTML is read from its navigation, which a service worker would answer.
  test.use({ serviceWorkers: "block" });

  test("each public page is the same before and after, and nothing is fetched again", async ({ page, context, baseURL, request }) => {
    const reference = await fileInquiry(request, "سلمى الحربي", "سؤال عن رسوم الخدمة");
    const addresses = [
      "/",
      "/?q=%D8%B1%D8%AE%D8%B5%D8%A9",
      "/services/mof-general-inquiry",
      "/services/no-such-service",
      "/track",
      `/track?ref=${reference}`,
      "/track?ref=123456789012",
      "/track?ref=12345",
      `/confirmation/${reference}`,
      "/performance",
      "/performance?period=12m",
      "/nowhere",
    ];
    const asked = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/")) asked.push(r.url());
    });
    for (const locale of ["ar", "en"]) {
      await chooseLanguage(context, baseURL, locale);
      for (const address of addresses) {
        asked.length = 0;
        // The HTML this very page was sent (other journeys file requests meanwhile, so a
        // second fetch could be drawn from other figures).
        const served = await page.goto(address);
        expect([200, 404], address).toContain(served.status());
        const html = await served.text();
        expect(html, address).toContain(`lang=${locale}`);
        await expect(page.locator("html"), address).toHaveAttribute("data-app", "ready");
        const [server, app] = await page.evaluate(
          ([fn, html]) => {
            const readable = new Function(`return (${fn})`)();
            return [readable(html), readable(null)];
          },
          [readable.toString(), html],
        );
        expect(app, `${locale} ${address}`).toEqual(server);
        expect(asked, `${locale} ${address}: asked the API again`).toEqual([]);
      }
    }
  });

  test("the app is fetched once the server's page is painted, and its takeover is not a later, larger paint", async ({ page }) => {
    // Every largest-contentful-paint entry the browser reports, as it reports them.
    await page.addInitScript(() => {
      window.largestPaints = [];
      new PerformanceObserver((list) => window.largestPaints.push(...list.getEntries().map((e) => e.startTime))).observe({
        type: "largest-contentful-paint",
        buffered: true,
      });
    });
    // The citizens' app and the records app (the figures), each with its own loader.
    for (const address of ["/", "/performance"]) {
      await page.goto(address);
      await expect(page.locator("html"), address).toHaveAttribute("data-app", "ready");
      // The takeover's own frames painted, and time for an entry they made to be reported.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 500)))));
      const { painted, fetched, largest } = await page.evaluate(() => ({
        painted: performance.getEntriesByName("first-contentful-paint")[0].startTime,
        fetched: performance.getEntriesByType("resource").filter((r) => r.name.endsWith("_bg.wasm")).map((r) => r.startTime),
        largest: window.largestPaints,
      }));
      expect(fetched, address).toHaveLength(1);
      expect(fetched[0], `${address}: the WASM asked for before the first paint`).toBeGreaterThanOrEqual(painted);
      expect(largest.length, address).toBeGreaterThan(0);
      for (const at of largest) {
        expect(at, `${address}: a largest paint after the app was fetched`).toBeLessThanOrEqual(fetched[0]);
      }
    }
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("in Arabic: search the catalogue, open a service, track a reference typed in Arabic-Indic digits, read the figures", async ({ page, request }) => {
    const reference = await fileInquiry(request, "نورة القحطاني", "سؤال عن موعد");

    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "ar");
    await expect(page.getByRole("heading", { level: 1, name: "الخدمات الحكومية" })).toBeVisible();
    await page.getByLabel("ابحث عن خدمة").fill("حفريات");
    await page.getByLabel("ابحث عن خدمة").press("Enter");
    await expect(page).toHaveURL(/\/\?q=/);
    await expect(page.getByLabel("ابحث عن خدمة")).toHaveValue("حفريات");
    await expect(page.getByRole("link", { name: "تصريح حفريات" })).toBeVisible();
    await expectAccessibleWithoutScripts(page);

    await page.getByRole("link", { name: "تصريح حفريات" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "تصريح حفريات" })).toBeVisible();
    await expectAccessibleWithoutScripts(page);

    await page.getByRole("link", { name: "تابع طلبًا" }).click();
    const spaced = arabicIndic(`${reference.slice(0, 4)} ${reference.slice(4, 8)} ${reference.slice(8)}`);
    await page.getByLabel("رقم الطلب").fill(spaced);
    await page.getByRole("button", { name: "ابحث" }).click();
    await expect(page.getByRole("heading", { name: "سجل الطلب" })).toBeVisible();
    await expect(page.getByText("استفسار عام").first()).toBeVisible();
    await expect(page.getByText("نورة")).toHaveCount(0);
    await expectAccessibleWithoutScripts(page);

    // One digit wrong: the server reads it by the same rule as the app, and says so.
    const last = reference.slice(-1);
    const wrong = reference.slice(0, -1) + ((Number(last) + 1) % 10);
    await page.getByLabel("رقم الطلب").fill(arabicIndic(wrong));
    await page.getByRole("button", { name: "ابحث" }).click();
    await expect(page).toHaveTitle(/^خطأ/);
    await expect(page.getByRole("alert").first()).toContainText("غير صحيح");
    await expect(page.getByRole("link", { name: /غير صحيح/ })).toHaveAttribute("href", "#field-ref");
    await expectAccessibleWithoutScripts(page);

    await page.getByRole("link", { name: "أداء الجهات ورضا المستفيدين" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "أداء الجهات" })).toBeVisible();
    await expect(page.getByRole("table").first()).toBeVisible();
    await page.getByRole("link", { name: /12 شهرًا|الأشهر الـ?12|السنة/ }).first().click();
    await expect(page).toHaveURL(/period=12m/);
    await expect(page.getByRole("table").first()).toBeVisible();
    await expectAccessibleWithoutScripts(page);
  });

  test("in English by the switch, a plain link the server remembers; the same journey", async ({ page, request }) => {
    const reference = await fileInquiry(request, "Huda Saleh", "A question about fees");

    await page.goto("/");
    await page.getByRole("link", { name: /English/ }).click();
    await expect(page).toHaveURL(/lang=en/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    await page.getByLabel("Search for a service").fill("excavation");
    await page.getByLabel("Search for a service").press("Enter");
    // The address no longer asks for English: the cookie the server set keeps it.
    await expect(page).not.toHaveURL(/lang=/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.getByRole("link", { name: "Excavation permit" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Excavation permit" })).toBeVisible();
    await expectAccessibleWithoutScripts(page);

    await page.goto("/track");
    await page.getByLabel("Reference number").fill(reference);
    await page.getByRole("button", { name: "Find" }).click();
    await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
    await expect(page.getByText("Huda")).toHaveCount(0);
    await expectAccessibleWithoutScripts(page);

    await page.goto("/performance");
    await expect(page.getByRole("heading", { level: 1, name: "How agencies perform" })).toBeVisible();
    await expect(page.getByRole("table").first()).toBeVisible();
    await expectAccessibleWithoutScripts(page);

    await page.goto("/nowhere");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessibleWithoutScripts(page);
  });

  test("signing in and filing say, in both languages, what they need and where to go instead", async ({ page }) => {
    await page.goto("/services/mof-general-inquiry/apply");
    await expect(page.getByRole("link", { name: "هذه الخدمة وطريقة التواصل مع جهتها" })).toHaveAttribute(
      "href",
      "/services/mof-general-inquiry?lang=ar",
    );
    for (const address of ["/sign-in", "/services/mof-general-inquiry/apply"]) {
      await page.goto(address);
      await expect(page.getByRole("banner")).toBeVisible();
      await expect(page.getByRole("heading", { name: "تحتاج هذه الصفحة إلى JavaScript" })).toBeVisible();
      await expect(page.getByRole("heading", { name: "This page needs JavaScript" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Track a request by its reference" })).toHaveAttribute("href", "/track?lang=en");
      await expectAccessibleWithoutScripts(page);
      }
    await page.getByRole("link", { name: "Services and how to reach the agencies" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Government services" })).toBeVisible();
  });
});

test("a first visit follows the browser's language; a link's lang wins and is remembered by the server", async ({ browser, baseURL }) => {
  for (const [preferred, expected] of [["en-GB", "en"], ["fr-FR", "ar"], ["ar-SA", "ar"]]) {
    const context = await browser.newContext({ locale: preferred, javaScriptEnabled: false, baseURL });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.locator("html"), preferred).toHaveAttribute("lang", expected);
    await context.close();
  }
  const context = await browser.newContext({ locale: "en-GB", javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  await page.goto("/performance?lang=ar");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await context.close();
});
