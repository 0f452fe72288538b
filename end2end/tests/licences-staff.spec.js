// Licences in the back office (issue 18): a chemical clearance (a free permit) filed by a
// citizen and approved by the ministry's staff issues a licence. In English, a supervisor
// finds it in the register by its CR number, opens it, is told a suspension needs a reason,
// suspends it until a day, and the public verification says "suspended" at once; then
// revokes it, confirming first. In Arabic on a 320 px screen, the register is searched and
// filtered, the licence opened, and a bad filter in the address is named.
const { test, expect, expectNoAxeViolations, openIn, expectNoHorizontalScroll, uniqueMobile, addStaff, STAFF_PASSWORD } = require("./support");

/** A document the clearance asks for: a small PDF. */
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** A commercial registration number no other run uses (10 digits, starting with 4). */
function uniqueCr() {
  return "4" + String(Math.floor(Math.random() * 1e9)).padStart(9, "0");
}

/** Today's date in Riyadh plus `days`, as YYYY-MM-DD. */
function riyadhDay(days) {
  return new Date(Date.now() + 3 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

/**
 * A licence issued to `holder` for CR number `cr`: a citizen files a chemical clearance
 * through the API, and an agent of the ministry approves it (which issues the licence).
 */
async function issueLicence(request, holder, cr) {
  const upload = await request.post("/api/v1/uploads?service=mim-chemical-clearance&field=documents", {
    headers: { "Content-Type": "application/pdf" },
    data: PDF,
  });
  expect(upload.status()).toBe(201);
  const filed = await request.post("/api/v1/requests", {
    headers: { "Idempotency-Key": `e2e-licence-${cr}` },
    data: {
      service_code: "mim-chemical-clearance",
      locale: "en",
      applicant: { name: holder, phone: uniqueMobile() },
      answers: { cr_number: cr, chemical_name: "Sodium hydroxide", quantity_kg: 500, documents: [(await upload.json()).id] },
    },
  });
  expect(filed.status()).toBe(201);
  const { reference } = await filed.json();
  const agent = addStaff("agent", "mim");
  expect((await request.post("/api/v1/staff/session", { data: { username: agent, password: STAFF_PASSWORD } })).status()).toBe(200);
  for (const body of [{ action: "acknowledge" }, { action: "resolve", message: "Approved" }]) {
    expect((await request.post(`/api/v1/staff/requests/${reference}/actions`, { data: body })).status()).toBe(204);
  }
  return reference;
}

/** Signs `username` in to the back office in `locale`. */
async function staffSignIn(page, username, locale) {
  await openIn(page, locale, "/staff");
  await page.getByLabel(locale === "ar" ? "اسم المستخدم" : "Username").fill(username);
  await page.getByLabel(locale === "ar" ? "كلمة المرور" : "Password").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: locale === "ar" ? "دخول" : "Sign in" }).click();
}

test("in English: a supervisor finds a licence by its CR number, is told a suspension needs a reason, suspends it, and verification says suspended", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the back office's supervisor, on a desktop");
  const cr = uniqueCr();
  const reference = await issueLicence(request, "Mohammed Abdullah Al-Qahtani", cr);

  const supervisor = addStaff("supervisor", "mim");
  await staffSignIn(page, supervisor, "en");
  // The register is the licensing desk's, its own app (decision 0015): the link loads it,
  // and a page's first load leaves focus where the browser puts it.
  await page.getByRole("link", { name: "Licences", exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/licences$/);
  await expect(page.getByRole("heading", { level: 1, name: "Licences" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The register searched by CR number; the search stays in the address across a reload.
  await page.getByLabel("Licence number, CR number or holder's name").fill(cr);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/licences\\?q=${cr}$`));
  const row = page.getByRole("row").filter({ hasText: cr });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Mohammed Abdullah Al-Qahtani");
  await expect(row).toContainText("Chemical clearance");
  await expect(row).toContainText("Valid");
  await expect(page.getByRole("link", { name: "Download these results (CSV)" })).toHaveAttribute("href", `/api/v1/staff/licences.csv?q=${cr}`);
  await page.reload();
  await expect(page.getByLabel("Licence number, CR number or holder's name")).toHaveValue(cr);
  await expect(row).toHaveCount(1);
  await expectNoAxeViolations(page);

  // The licence in full, with the request that issued it.
  const link = row.getByRole("link");
  const grouped = (await link.textContent()).trim();
  const number = grouped.replace(/\s/g, "");
  expect(number).toMatch(/^\d{10}$/);
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: `Licence ${grouped}` })).toBeFocused();
  await expect(page.getByRole("definition").filter({ hasText: "Valid" })).toBeVisible();
  await expect(page.getByRole("link", { name: reference.replace(/(\d{4})(\d{4})(\d{4})/, "$1 $2 $3") })).toHaveAttribute("href", `/staff/requests/${reference}`);
  await expect(page.getByRole("heading", { level: 2, name: "Conditions" })).toBeVisible();
  await expectNoAxeViolations(page);

  // A suspension without a reason is refused in the browser, the problem named.
  const suspension = page.getByRole("region", { name: "Suspend the licence" });
  await suspension.getByLabel("Last day of the suspension").fill(riyadhDay(30));
  await suspension.getByRole("button", { name: "Suspend the licence" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await page.getByRole("link", { name: "Enter the reason" }).click();
  await expect(suspension.getByLabel("Reason")).toBeFocused();
  await expectNoAxeViolations(page);

  // With the reason: suspended, announced, and the page shows it.
  await suspension.getByLabel("Reason").fill("Storage found unsafe at the inspection of 1 December");
  await suspension.getByRole("button", { name: "Suspend the licence" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The licence is suspended." })).toBeAttached();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toHaveCount(0);
  await expect(page.getByRole("definition").filter({ hasText: "Suspended" })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: "Storage found unsafe" })).toBeVisible();
  await expectNoAxeViolations(page);

  // Anyone checking the number is told at once.
  const verified = await request.get(`/api/v1/licences/${number}`);
  expect(verified.status()).toBe(200);
  const body = await verified.json();
  expect(body.status).toBe("suspended");
  expect(body.suspended_until).toBe(riyadhDay(30));

  // Revoking takes a second press, after the warning that it is final.
  const revocation = page.getByRole("region", { name: "Revoke the licence" });
  await revocation.getByLabel("Reason").fill("Licence obtained with a forged safety certificate");
  await revocation.getByRole("button", { name: "Revoke the licence" }).click();
  await expect(revocation.getByRole("alert")).toContainText("Revoking is final");
  await expectNoAxeViolations(page);
  await revocation.getByRole("button", { name: "Yes, revoke the licence" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The licence is revoked." })).toBeAttached();
  await expect(page.getByRole("definition").filter({ hasText: "Revoked" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Suspend the licence" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  expect((await (await request.get(`/api/v1/licences/${number}`)).json()).status).toBe("revoked");
});

test("in Arabic on a 320 px screen: the register is searched and filtered, and a bad filter in the address is named", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the narrow screen, once");
  const cr = uniqueCr();
  await issueLicence(request, "نورة القحطاني", cr);
  const supervisor = addStaff("supervisor", "mim");
  await page.setViewportSize({ width: 320, height: 740 });
  await staffSignIn(page, supervisor, "ar");
  await page.getByRole("link", { name: "الرخص", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "الرخص" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  await page.getByLabel("رقم الرخصة أو رقم السجل التجاري أو اسم صاحب الرخصة").fill("نورة");
  await page.getByLabel("الحالة", { exact: true }).selectOption("valid");
  await page.getByRole("button", { name: "ابحث", exact: true }).click();
  await expect(page).toHaveURL(/status=valid/);
  const row = page.getByRole("row").filter({ hasText: cr });
  await expect(row).toContainText("نورة القحطاني");
  await expect(row).toContainText("سارية");
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // The licence itself fits too, its supervisor's forms included.
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 2, name: "الشروط" })).toBeVisible();
  await expect(page.getByRole("region", { name: "إلغاء الرخصة" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // A date that is not one, written into the address: named, and nothing is asked for.
  await page.goto("/staff/licences?expires_before=tomorrow");
  await expect(page.getByRole("alert").filter({ hasText: "توجد مشكلة" })).toBeVisible();
  await expect(page.getByRole("link", { name: "أدخل التاريخ بالصيغة سنة-شهر-يوم" })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
});
