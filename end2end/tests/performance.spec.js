// Ratings and the performance figures: requests resolved by the agency's staff, their
// applicant rating them in Arabic on a phone, the public performance page showing the new
// figures; and a supervisor's view of the agency with its comments and CSV files.
// The first journey uses the human resources ministry (hrsd), which no other journey
// touches, so its figures are exactly what this journey made.
const {
  test,
  expect,
  expectNoAxeViolations,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  codeSentTo,
  addStaff,
  STAFF_PASSWORD,
} = require("./support");

/** The agency's figures on the public page: the region named after it. */
function agencySection(page, name) {
  return page.getByRole("region", { name, exact: true });
}

/** The value of the key figure `term` in `scope` (a page or a region): labelled by its term. */
function figure(scope, term) {
  return scope.getByLabel(term, { exact: true });
}

test("in Arabic on a phone: staff resolve requests, their applicant rates them, the performance page shows the new rating", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the issue's journey is on a phone");
  test.slow();
  const mobile = uniqueMobile();

  // Five inquiries filed by one applicant, all resolved by the ministry's staff.
  const references = [];
  for (let i = 0; i < 5; i++) {
    const filed = await request.post("/api/v1/requests", {
      headers: { "Idempotency-Key": `e2e-perf-${mobile}-${i}` },
      data: {
        service_code: "hrsd-establishment-inquiry",
        locale: "ar",
        applicant: { name: "سارة العتيبي", phone: mobile },
        answers: { establishment_number: `700123456${i}`, details: "متى يصدر ترخيص المنشأة؟" },
      },
    });
    expect(filed.status()).toBe(201);
    references.push((await filed.json()).reference);
  }
  const staff = await request.post("/api/v1/staff/session", { data: { username: addStaff("agent", "hrsd"), password: STAFF_PASSWORD } });
  expect(staff.status()).toBe(200);
  for (const reference of references) {
    const resolved = await request.post(`/api/v1/staff/requests/${reference}/actions`, {
      data: { action: "resolve", message: "صدر الترخيص" },
    });
    expect(resolved.status()).toBe(204);
  }

  // Before any rating: the ministry has no average yet ("not enough ratings").
  await openIn(page, "ar", "/performance");
  await expect(page.getByRole("heading", { level: 1, name: "أداء الجهات" })).toBeVisible();
  const hrsd = agencySection(page, "وزارة الموارد البشرية والتنمية الاجتماعية");
  await expect(hrsd.getByRole("heading", { level: 2 })).toHaveText("وزارة الموارد البشرية والتنمية الاجتماعية");
  await expect(figure(hrsd, "متوسط الرضا")).toHaveText("لا توجد تقييمات كافية");
  await expect(figure(hrsd, "الطلبات المستلمة")).toHaveText("5");
  await expect(figure(hrsd, "المعالجة في موعدها")).toHaveText("100%");
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // The applicant signs in with the SMS code.
  await openIn(page, "ar", "/sign-in");
  await page.getByLabel("رقم الجوال").fill(mobile);
  await page.getByRole("button", { name: "أرسل الرمز" }).click();
  await page.getByLabel("الرمز المرسل في الرسالة النصية").fill(await codeSentTo(mobile));
  await page.getByRole("button", { name: "دخول", exact: true }).click();
  await expect(page).toHaveURL(/\/requests$/);

  // Four ratings given (5, 4, 4, 5), still not enough for an average.
  for (const [i, score] of [[0, 5], [1, 4], [2, 4], [3, 5]]) {
    const rated = await page.request.post(`/api/v1/requests/${references[i]}/rating`, { data: { score, resolved: "yes" } });
    expect(rated.status()).toBe(200);
  }
  await openIn(page, "ar", "/performance");
  await expect(figure(hrsd, "متوسط الرضا")).toHaveText("لا توجد تقييمات كافية");

  // The fifth, through the request page, with radio buttons: "satisfied" (4).
  await openIn(page, "ar", `/requests/${references[4]}`);
  const rating = page.getByRole("region", { name: "قيّم الخدمة" });
  await rating.getByLabel("راضٍ", { exact: true }).check();
  await rating.getByRole("group", { name: /هل حُلّ طلبك/ }).getByLabel("نعم").check();
  await rating.getByLabel("ملاحظات (اختياري)").fill("خدمة واضحة");
  await rating.getByRole("button", { name: "أرسل تقييمك" }).click();
  await expect(rating.getByText("يمكنك تغيير تقييمك حتى")).toBeVisible();

  // The performance page now shows the ministry's average: (5 + 4 + 4 + 5 + 4) / 5 = 4.4.
  await openIn(page, "ar", "/performance");
  await expect(figure(hrsd, "متوسط الرضا")).toHaveText("4.4 / 5");
  const row = hrsd.getByRole("row", { name: /استفسار عن منشأة/ });
  await expect(row.getByRole("cell").nth(6)).toHaveText("4.4 / 5");
  await expect(row.getByRole("cell").nth(7)).toHaveText("5");
  // The portal's distribution table counts them among all ratings.
  await expect(page.getByRole("table", { name: "إجابات سؤال الرضا" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // Another period, by keyboard: all time still shows the same rating.
  await page.getByRole("link", { name: "منذ البداية" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/period=all/);
  await expect(page.getByRole("link", { name: "منذ البداية" })).toHaveAttribute("aria-current", "page");
  await expect(figure(hrsd, "متوسط الرضا")).toHaveText("4.4 / 5");
});

test("in English: the public page by period, and a supervisor's view of the agency with comments and CSV files", async ({ page, request }) => {
  test.slow();
  await openIn(page, "en", "/performance?period=12m");
  await expect(page.getByRole("heading", { level: 1, name: "How agencies perform" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Last 12 months" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("img", { name: "The last 12 weeks" })).toBeVisible();
  await expect(page.getByRole("table", { name: "The last 12 weeks" }).getByRole("row")).toHaveCount(13);
  await expect(page.getByRole("table", { name: "Each agency's figures" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // A supervisor of the environment ministry (mewa) signs in and opens the view.
  const username = addStaff("supervisor", "mewa");
  await openIn(page, "en", "/staff");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  await page.getByRole("link", { name: "Performance and ratings" }).click();
  await expect(page).toHaveURL(/\/staff\/performance$/);
  await expect(page.getByRole("heading", { level: 1, name: /^Performance of / })).toBeVisible();
  await expect(page.getByText("No comments in this period.")).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // Narrowed to one department and a year, by keyboard.
  await page.getByLabel("Period").selectOption("12m");
  await page.getByLabel("Department").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Show" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/staff\/performance\?period=12m&department=/);
  await expect(page.getByLabel("Department")).not.toHaveValue("");
  await expectNoAxeViolations(page);

  // The CSV files carry the same filters.
  const link = page.getByRole("link", { name: "Download the comments (CSV)" });
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/api\/v1\/staff\/stats\/comments\.csv\?period=12m&department=/);
  const csv = await page.request.get(href, { headers: { "Accept-Language": "en" } });
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain("Rated on,Service,Department,Score,Satisfaction,Resolved,Comment");
  const figures = await page.request.get(await page.getByRole("link", { name: "Download the services' figures (CSV)" }).getAttribute("href"));
  expect(figures.status()).toBe(200);

  // Not for the public.
  expect((await request.get("/api/v1/staff/stats")).status()).toBe(401);
});
