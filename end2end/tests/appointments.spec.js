// Appointments (issue 17): on a phone, in Arabic, a citizen files a video-call request
// choosing a free time, gets the SMS with the date and the link, then changes the time
// from the request page. Times are whatever is free from now on (the server's clock).
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
} = require("./support");

/** `2026-12-08T10:30:00+03:00` as the SMS writes it: `2026-12-08 10:30`. */
const asInSms = (start) => `${start.slice(0, 10)} ${start.slice(11, 16)}`;

test("in Arabic on a phone: choose a video call's time while filing, get the SMS with the link, change the time from the request page", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the issue's journey is on a phone");
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
});
