// Appointments (issue 17): on a phone, in Arabic, a citizen files a video-call request
// choosing a free time, gets the SMS with the date and the link, then changes the time
// from the request page; a supervisor finds the visit in the day view (at 320 px) and
// moves it again, and the citizen is told. In English, a supervisor changes when a
// service receives. Times are whatever is free from now on (the server's clock; the
// reminder the day before is checked by the API tests, which set the clock).
const {
  test,
  expect,
  expectNoAxeViolations,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  smsMatching,
  codeSentTo,
  confirmedReference,
  addStaff,
  STAFF_PASSWORD,
} = require("./support");

/** Signs `username` in to the back office in `locale`, landing on the queue. */
async function staffSignIn(page, username, locale) {
  await openIn(page, locale, "/staff");
  await page.getByLabel(locale === "ar" ? "اسم المستخدم" : "Username").fill(username);
  await page.getByLabel(locale === "ar" ? "كلمة المرور" : "Password").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: locale === "ar" ? "دخول" : "Sign in" }).click();
}

/** `2026-12-08T10:30:00+03:00` as the SMS writes it: `2026-12-08 10:30`. */
const asInSms = (start) => `${start.slice(0, 10)} ${start.slice(11, 16)}`;

test("in Arabic on a phone: choose a video call's time while filing, get the SMS with the link, change the time from the request page; the supervisor's day view shows it", async ({ page, newContext }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the issue's journey is on a phone");
  // Three contexts and two apps: about 20 s on a quiet machine, past a minute on a busy one.
  test.slow();
  const mobile = uniqueMobile();
  await openIn(page, "ar", "/services/moi-video-call/apply");
  await expect(page.getByRole("heading", { level: 1, name: "تفاصيل الطلب" })).toBeVisible();
  await page.getByLabel("موضوع الاتصال").fill("استفسار عن تصريح");
  await page.getByRole("button", { name: "متابعة" }).click();

  // The time: a day per group, its free times as radio buttons.
  await expect(page.getByRole("heading", { level: 1, name: "اختر موعدًا" })).toBeFocused();
  const firstDay = page.getByRole("group").first();
  await expect(firstDay.getByRole("radio").first()).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  // Continuing without a time is refused, with the problem named.
  await page.getByRole("button", { name: "متابعة" }).click();
  await expect(page.getByRole("link", { name: "اختر موعدًا من الأوقات المعروضة" })).toBeVisible();
  await expectNoAxeViolations(page);
  const first = firstDay.getByRole("radio").first();
  const chosen = await first.getAttribute("value");
  await first.check();
  await page.getByLabel("ما تحتاجه يوم الموعد (اختياري)").fill("مترجم لغة إشارة");
  await page.getByRole("button", { name: "متابعة" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "بياناتك" })).toBeFocused();
  await page.getByLabel("الاسم الكامل").fill("نورة القحطاني");
  await page.getByLabel("رقم الجوال").fill(mobile);
  await page.getByRole("button", { name: "متابعة" }).click();
  await expect(page.getByRole("term").filter({ hasText: "الموعد" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "أرسل الطلب" }).click();
  const { reference } = await confirmedReference(page, "تم استلام طلبك");

  // The SMS: the date and time, and the video call's link.
  const booked = (await smsMatching(mobile, "موعدك")).body;
  expect(booked).toContain(asInSms(chosen));
  expect(booked).toContain(`/${reference}`);

  // Signed in, the request page shows the time; the applicant moves it.
  await openIn(page, "ar", "/requests");
  await page.getByRole("link", { name: "دخول" }).click();
  await page.getByLabel("رقم الجوال").fill(mobile);
  await page.getByRole("button", { name: "أرسل الرمز" }).click();
  await page.getByLabel("الرمز المرسل في الرسالة النصية").fill(await codeSentTo(mobile));
  await page.getByRole("button", { name: "دخول", exact: true }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await page.goto(`/requests/${reference}`);
  const panel = page.getByRole("region", { name: "موعدك" });
  await expect(panel.getByRole("link", { name: new RegExp(reference) })).toBeVisible();
  await expect(panel.getByText("يمكنك تغيير الموعد أو إلغاؤه حتى", { exact: false })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  await panel.getByRole("button", { name: "غيّر الموعد" }).click();
  const other = panel.getByRole("radio").nth(1);
  const moved = await other.getAttribute("value");
  expect(moved).not.toBe(chosen);
  await other.check();
  await expectNoAxeViolations(page);
  await panel.getByRole("button", { name: "احجز هذا الموعد" }).click();
  expect((await smsMatching(mobile, asInSms(moved))).body).toContain("موعدك");
  await expect(panel.getByRole("button", { name: "احجز هذا الموعد" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await expect(panel.getByRole("link", { name: "أضف الموعد إلى التقويم (ملف ics)" })).toHaveAttribute(
    "href",
    `/api/v1/requests/${reference}/appointment.ics`,
  );

  // The ministry's supervisor, on a 320 px screen: the day of the new time lists the visitor,
  // what they need and their request, which has not begun (so it cannot be marked yet).
  const supervisor = addStaff("supervisor", "moi");
  const desk = await (await newContext({ viewport: { width: 320, height: 740 } })).newPage();
  await staffSignIn(desk, supervisor, "ar");
  await desk.getByRole("link", { name: "المواعيد", exact: true }).click();
  await expect(desk.getByRole("heading", { level: 1, name: "المواعيد" })).toBeVisible();
  await desk.getByLabel("الخدمة", { exact: true }).selectOption("moi-video-call");
  await desk.getByLabel("اليوم", { exact: true }).fill(moved.slice(0, 10));
  await desk.getByRole("button", { name: "عرض" }).click();
  await expect(desk).toHaveURL(new RegExp(`service=moi-video-call&date=${moved.slice(0, 10)}`));
  const visitor = desk.getByRole("row").filter({ hasText: "نورة القحطاني" });
  await expect(visitor).toContainText("مترجم لغة إشارة");
  await expect(visitor).toContainText("لم يبدأ بعد");
  await expect(visitor.getByRole("button", { name: "حضر" })).toHaveCount(0);
  await expect(desk.getByRole("definition").first()).toBeVisible();
  await expectNoAxeViolations(desk);
  await expectNoHorizontalScroll(desk);

  // From the visitor's request, the supervisor moves the time; the citizen is told by SMS.
  await visitor.getByRole("link", { name: new RegExp(reference.slice(0, 4)) }).click();
  await expect(desk.getByRole("heading", { level: 2, name: "الموعد", exact: true })).toBeVisible();
  await expect(desk.getByRole("definition").filter({ hasText: "محجوزة" })).toBeVisible();
  await expectNoAxeViolations(desk);
  await desk.getByRole("button", { name: "انقل الموعد" }).click();
  await expect(desk.getByRole("link", { name: "اختر موعدًا من الأوقات المعروضة" })).toBeVisible();
  await expectNoAxeViolations(desk);
  const third = desk.getByRole("radio").nth(2);
  const again = await third.getAttribute("value");
  await third.check();
  await desk.getByRole("button", { name: "انقل الموعد" }).click();
  await expect(desk.getByRole("status").filter({ hasText: "نُقل الموعد" })).toBeAttached();
  expect((await smsMatching(mobile, asInSms(again))).body).toContain("موعدك");
  await expectNoAxeViolations(desk);
  await expectNoHorizontalScroll(desk);
});

test("in English: a supervisor changes when a service receives, with each mistake named, and the new hours are what citizens can book", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the back office's editor, on a desktop");
  const supervisor = addStaff("supervisor", "moi");
  await staffSignIn(page, supervisor, "en");
  await page.getByRole("link", { name: "Appointments", exact: true }).click();
  await page.getByLabel("Service", { exact: true }).selectOption("moi-meet-minister");
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByRole("link", { name: "When this service receives" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /When the service receives: / })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Is invited to pick a time once the request is accepted" })).toBeChecked();
  await expectNoAxeViolations(page);

  // Two mistakes: a day with one time only, and a closed day that is not a date.
  const wednesday = page.getByRole("group", { name: "Wednesday" });
  await wednesday.getByLabel("Opens").fill("09:00");
  await page.getByLabel("Closed days").fill("next Friday");
  await page.getByRole("button", { name: "Save the hours" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await expect(page.getByRole("link", { name: "Give both times, or neither" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Not a date written YYYY-MM-DD: next Friday/ })).toBeVisible();
  await expectNoAxeViolations(page);

  // Mended: Wednesday mornings too, and the first Wednesday beyond the lead time closed.
  await wednesday.getByLabel("Closes").fill("11:00");
  const day = (ms) => new Date(ms + 3 * 3600_000).toISOString().slice(0, 10);
  const from = Date.now() + 3 * 86400_000;
  const ahead = (3 - new Date(from + 3 * 3600_000).getUTCDay() + 7) % 7;
  const closed = day(from + ahead * 86400_000);
  const nextWeek = day(from + (ahead + 7) * 86400_000);
  const wednesdaySlots = async () =>
    (await (await request.get(`/api/v1/services/moi-meet-minister/slots?from=${day(from)}&days=14`)).json())
      .map((s) => s.start.slice(0, 10))
      .filter((d) => d === closed || d === nextWeek);
  await page.getByLabel("Closed days").fill(closed);
  await page.getByRole("button", { name: "Save the hours" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The hours were saved" })).toBeAttached();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  // Citizens are offered the Wednesday after, not the closed one.
  const open = await wednesdaySlots();
  expect(open).toContain(nextWeek);
  expect(open).not.toContain(closed);
  await page.reload();
  await expect(page.getByLabel("Closed days")).toHaveValue(closed);
});

test("in English at a reception desk: a video call filed for a citizen books its time on the same track", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the reception desk works on a desktop");
  const desk = addStaff("intake", "moi");
  const mobile = uniqueMobile();
  await staffSignIn(page, desk, "en");
  await expect(page.getByRole("heading", { level: 1, name: "New request for a citizen" })).toBeVisible();
  await page.getByLabel("Service", { exact: true }).selectOption("moi-video-call");
  await page.getByRole("group", { name: "How did the request come in?" }).getByLabel("Reception desk").check();
  await page.getByLabel("Subject of the call").fill("A question about a permit");
  await expect(page.getByRole("heading", { level: 2, name: "The citizen's appointment" })).toBeVisible();
  await page.getByLabel("Citizen's full name").fill("Huda Al-Harbi");
  await page.getByLabel("Citizen's mobile number").fill(mobile);
  await page.getByRole("group", { name: "Language of the citizen's messages" }).getByLabel("English").check();
  await expectNoAxeViolations(page);
  // No time chosen: the desk is told before anything is sent.
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await page.getByRole("link", { name: "Choose one of the times shown" }).click();
  await expectNoAxeViolations(page);
  const slot = page.getByRole("group").filter({ has: page.locator('input[name="appointment-start"]') }).first().getByRole("radio").first();
  const chosen = await slot.getAttribute("value");
  await slot.check();
  await page.getByLabel("What the citizen needs on the day (optional)").fill("An Arabic-English interpreter");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check the request before sending" })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: chosen.slice(11, 16) })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Request filed" })).toBeVisible();
  await expect(page.getByRole("term").filter({ hasText: "Appointment" })).toBeVisible();
  await expectNoAxeViolations(page);
  // The citizen's SMS gives the time and the call's link (the server's default template).
  const sms = (await smsMatching(mobile, asInSms(chosen))).body;
  expect(sms).toContain("https://video.nafitha.invalid/");
});
