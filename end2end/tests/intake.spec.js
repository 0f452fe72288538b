// Every channel, one track, in Arabic: an agent of the portal's unified contact centre files a
// road-damage report a citizen gave by phone; the SMS with the reference reaches the citizen
// in Arabic; the citizen signs in on a 360 px phone and finds it in "my requests", its
// history saying it was received by phone; on a second call the agent looks the citizen up
// by number, with a reason, reads the stage and records the call; the portal's supervisor,
// whose desk starts at the look-ups' audit, finds it there. Axe on every state.
const {
  test,
  expect,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  openIn,
  uniqueMobile,
  smsMatching,
  codeSentTo,
  addStaff,
  STAFF_PASSWORD: PASSWORD,
} = require("./support");

/** The app the page's loader starts: its script names the app's files (src/loader.js). */
function appLoadedBy(page) {
  return page.locator('script[type="module"]').evaluate((script) => script.text);
}

async function staffSignIn(page, username, heading) {
  await openIn(page, "ar", "/staff");
  await expect(page.getByRole("heading", { level: 1, name: "دخول الموظفين" })).toBeVisible();
  await page.getByLabel("اسم المستخدم").fill(username);
  await page.getByLabel("كلمة المرور").fill(PASSWORD);
  await page.getByRole("button", { name: "دخول" }).click();
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

test("in Arabic: the contact centre files a report by phone, the citizen finds it on a phone, a second call is looked up and audited", async ({ page, newContext }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the contact centre works on a desktop; the citizen's phone is opened below");
  test.slow();
  const agent = addStaff("intake", "portal");
  const supervisor = addStaff("supervisor", "portal");
  const mobile = uniqueMobile();

  // Intake staff land on the assisted filing screen; the case workers' sections are not theirs.
  await staffSignIn(page, agent, "تقديم طلب نيابة عن مستفيد");
  await expect(page).toHaveURL(/\/staff\/file$/);
  // The back office handed the desk's screen over to the desk's own, smaller app (decision 0012).
  await expect.poll(() => appLoadedBy(page)).toContain("/staff/desk/nafitha-web-");
  await expect(page.getByRole("link", { name: "طلب جديد" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("link", { name: "الطلبات", exact: true })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // The service, the channel, the service's own questions, the citizen.
  await page.getByLabel("الخدمة", { exact: true }).selectOption("epm-road-damage");
  await page.getByRole("group", { name: "كيف وصل الطلب؟" }).getByLabel("الهاتف", { exact: true }).check();
  await page.getByLabel("حفرة").check();
  await page.getByRole("group", { name: /هل يشكل خطرًا/ }).getByLabel("لا").check();
  await page.getByLabel("صف التلف (اختياري)").fill("حفرة عميقة أمام مدرسة البنات");
  await page.getByLabel("العنوان أو وصف المكان").fill("حي الفيصلية، الدمام");
  await page.getByLabel("الاسم الكامل للمستفيد").fill("فاطمة الزهراني");
  await expectNoAxeViolations(page);
  // No mobile number: the domain's check, in the browser, says so before anything is sent.
  await page.getByRole("button", { name: "متابعة" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "توجد مشكلة" })).toBeFocused();
  await expect(page.getByRole("link", { name: /رقم جوال سعوديًا/ })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("رقم جوال المستفيد").fill(mobile);
  await page.getByRole("group", { name: "لغة الرسائل إلى المستفيد" }).getByLabel("العربية").check();
  await page.getByRole("button", { name: "متابعة" }).click();

  // Check, then send once.
  await expect(page.getByRole("heading", { level: 1, name: "راجع الطلب قبل إرساله" })).toBeVisible();
  await expect(page.getByText("حفرة عميقة أمام مدرسة البنات")).toBeVisible();
  await expect(page.getByText("فاطمة الزهراني")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "إرسال الطلب" }).dblclick();

  // The receipt: the reference in groups of four, the due date, how to follow it.
  await expect(page.getByRole("heading", { level: 1, name: "تم تسجيل الطلب" })).toBeVisible();
  const grouped = (await page.getByText(/^\d{4}\s\d{4}\s\d{4}$/).first().innerText()).trim();
  const reference = grouped.replace(/\s/g, "");
  await expect(page.getByRole("button", { name: "طباعة الإيصال" })).toBeVisible();
  await expect(page.getByText("كيف يتابع المستفيد طلبه")).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // The SMS with the reference is in Arabic.
  const sms = await smsMatching(mobile, reference);
  expect(sms.body).toContain("استلمنا طلبك");
  const tracked = await (await page.request.get(`/api/v1/track/${reference}`)).json();
  expect(tracked.timeline[0].channel).toBe("phone");
  expect(JSON.stringify(tracked)).not.toContain(agent);

  // The citizen, on a 360 px phone, signs in with that number and finds it as their own.
  const phoneContext = await newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  await openIn(phone, "ar", "/requests");
  await phone.getByRole("link", { name: "دخول" }).click();
  await phone.getByLabel("رقم الجوال").fill(mobile);
  await phone.getByRole("button", { name: "أرسل الرمز" }).click();
  await phone.getByLabel("الرمز المرسل في الرسالة النصية").fill(await codeSentTo(mobile));
  await phone.getByRole("button", { name: "دخول", exact: true }).click();
  const item = phone.getByRole("listitem").filter({ hasText: "بلاغ تلف الطرق" });
  // One request for the one form, though "send" was clicked twice.
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("تم الاستلام");
  await expectNoAxeViolations(phone);
  await expectNoHorizontalScroll(phone);
  await item.getByRole("link", { name: "بلاغ تلف الطرق" }).click();
  await expect(phone).toHaveURL(new RegExp(`/requests/${reference}$`));
  await expect(phone.getByRole("list").filter({ hasText: "ورد عبر الهاتف" })).toBeVisible();
  await expect(phone.getByText(agent)).toHaveCount(0);
  await expectNoAxeViolations(phone);
  await expectNoHorizontalScroll(phone);

  // A second call: the agent looks the citizen up by number, which needs a reason.
  await page.getByRole("link", { name: "استعلام", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "الاستعلام عن طلبات مستفيد" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("رقم جوال المستفيد").fill(mobile);
  await page.getByRole("button", { name: "استعلام", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "توجد مشكلة" })).toBeFocused();
  await expect(page.getByRole("link", { name: /اذكر سبب الاستعلام/ })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("سبب الاستعلام").fill("اتصلت المستفيدة تسأل عن سير البلاغ");
  await page.getByRole("button", { name: "استعلام", exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name: "نتائج الاستعلام" })).toBeFocused();
  const found = page.getByRole("region", { name: new RegExp(grouped.replace(/\s/g, "\\s")) });
  await expect(found).toContainText("تم الاستلام");
  await expect(found.getByRole("list").filter({ hasText: "ورد عبر الهاتف" })).toBeVisible();
  await expect(found).not.toContainText("فاطمة");
  await expectNoAxeViolations(page);
  // The call itself goes on the request's history.
  await found.getByRole("group", { name: /كيف تواصل المستفيد؟/ }).getByLabel("الهاتف", { exact: true }).check();
  await found.getByRole("button", { name: "سجّل التواصل" }).click();
  await expect(found.getByRole("list").filter({ hasText: "اتصل المستفيد للاستفسار" })).toBeVisible();
  await expectNoAxeViolations(page);
  // The desk signs out; the portal's supervisor signs in at the same screen and is handed
  // over to the back office's own app.
  await page.getByRole("button", { name: "تسجيل الخروج" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "دخول الموظفين" })).toBeVisible();
  await expect(page).toHaveURL(/\/staff$/);
  await page.getByLabel("اسم المستخدم").fill(supervisor);
  await page.getByLabel("كلمة المرور").fill(PASSWORD);
  await page.getByRole("button", { name: "دخول" }).click();
  // The operator's agency owns no request: its supervisors' desk starts at the audit.
  const audit = page;
  await expect(audit.getByRole("heading", { level: 1, name: "سجل الاستعلام عن طلبات المستفيدين" })).toBeVisible();
  await expect(audit).toHaveURL(/\/staff\/lookups$/);
  await expect.poll(() => appLoadedBy(audit)).toContain("/staff/nafitha-web-");

  // The supervisor finds the look-up in the audit: who, which number, why.
  await expect(audit.getByRole("link", { name: "سجل الاستعلامات", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(audit.getByRole("link", { name: "الطلبات", exact: true })).toHaveCount(0);
  const row = audit.getByRole("row").filter({ hasText: agent });
  await expect(row).toContainText("اتصلت المستفيدة تسأل عن سير البلاغ");
  await expect(row).toContainText(mobile.slice(1));
  await expect(audit.getByRole("link", { name: "تنزيل سجل الاستعلامات (CSV)" })).toBeVisible();
  await expectNoAxeViolations(audit);
  await expectNoHorizontalScroll(audit);
});

test("in English: an admin adds a reception-desk account, whose first password signs in once handed over, then disables it", async ({ page, newContext }, testInfo) => {
  const admin = addStaff("admin", "moi");
  const desk = `desk.${testInfo.project.name}.${Date.now()}`;
  await openIn(page, "en", "/staff");
  await page.getByLabel("Username").fill(admin);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Staff accounts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Staff accounts" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: admin })).toContainText("Active");
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // A malformed username is refused in the browser; then the account is made.
  await page.getByLabel("Username").fill("desk one");
  await page.getByRole("group", { name: "Role" }).getByLabel("contact centre and reception").check();
  await page.getByRole("button", { name: "Add an account" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await expectNoAxeViolations(page);
  await page.getByLabel("Username").fill(desk);
  await page.getByLabel("Department").selectOption({ label: "Reception Office" });
  await page.getByRole("button", { name: "Add an account" }).click();
  const shown = page.getByRole("status").filter({ hasText: `The first password of ${desk}:` });
  await expect(shown).toBeVisible();
  const password = (await shown.locator("code").innerText()).trim();
  expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
  await expect(page.getByRole("row").filter({ hasText: desk })).toContainText("Reception Office");
  await expectNoAxeViolations(page);

  // Its owner signs in with it and lands on the filing screen.
  const deskContext = await newContext();
  const deskPage = await deskContext.newPage();
  await openIn(deskPage, "en", "/staff");
  await deskPage.getByLabel("Username").fill(desk);
  await deskPage.getByLabel("Password").fill(password);
  await deskPage.getByRole("button", { name: "Sign in" }).click();
  await expect(deskPage.getByRole("heading", { level: 1, name: "New request for a citizen" })).toBeVisible();

  // Disabled: the password shown once is gone from the screen, the account's session ends.
  await page.getByRole("button", { name: `Disable ${desk}` }).click();
  await expect(page.getByRole("row").filter({ hasText: desk })).toContainText("Disabled");
  await expect(shown).toHaveCount(0);
  expect((await deskPage.request.get("/api/v1/staff/me")).status()).toBe(401);
  // The undo: enabled again.
  await page.getByRole("button", { name: `Enable ${desk}` }).click();
  await expect(page.getByRole("row").filter({ hasText: desk })).toContainText("Active");
  await expectNoAxeViolations(page);
});

test("in English: an admin makes a WhatsApp partner's key, shown once, which files for its service until it is revoked", async ({ page, request }, testInfo) => {
  const admin = addStaff("admin", "epm");
  const partner = `WhatsApp bot ${testInfo.project.name} ${Date.now()}`;
  await openIn(page, "en", "/staff");
  await page.getByLabel("Username").fill(admin);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Partner keys" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Partners' API keys" })).toBeVisible();
  await expectNoAxeViolations(page);

  // A name is needed: refused in the browser first.
  await page.getByRole("button", { name: "Make a key" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await page.getByLabel("Partner's name").fill(partner);
  await page.getByRole("group", { name: "The channel the partner stands for" }).getByLabel("WhatsApp").check();
  await page.getByRole("group", { name: /Services it may file for/ }).getByLabel("Road damage report").check();
  await page.getByRole("button", { name: "Make a key" }).click();
  const shown = page.getByRole("status").filter({ hasText: `The key for ${partner}:` });
  await expect(shown).toBeVisible();
  const key = (await shown.locator("code").innerText()).trim();
  expect(key).toMatch(/^nfk_[0-9a-f]{40}$/);
  const row = page.getByRole("row").filter({ hasText: partner });
  await expect(row).toContainText("Live");
  await expect(row).toContainText("Never");
  await expect(row).not.toContainText(key);
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);

  // The partner files with it, through WhatsApp.
  const body = {
    service_code: "epm-road-damage", locale: "ar",
    applicant: { name: "Huda Salem", phone: uniqueMobile() },
    answers: { damage: "pothole", danger: "no", location: { address: "Al Faisaliyah, Dammam" } },
  };
  const file = () => request.post("/api/v1/requests", {
    headers: { Authorization: `Bearer ${key}`, "Idempotency-Key": `e2e-key-${Date.now()}-${Math.random().toString(36).slice(2)}` },
    data: body,
  });
  const filed = await file();
  expect(filed.status()).toBe(201);
  const { reference } = await filed.json();
  const tracked = await (await request.get(`/api/v1/track/${reference}`)).json();
  expect(tracked.timeline[0].channel).toBe("whatsapp");

  // Revoked: refused at once.
  await page.reload();
  await expect(row).not.toContainText("Never");
  await page.getByRole("button", { name: `Revoke the key of ${partner}` }).click();
  await expect(row).toContainText("Revoked on");
  expect((await file()).status()).toBe(401);
  await expectNoAxeViolations(page);
});
