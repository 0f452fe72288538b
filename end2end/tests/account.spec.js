// After filing: a citizen signs in with the code from the SMS, finds the request in
// "my requests", answers the agency's information request, and sees the history update.
// The agency's side goes through the real staff API (an agent created with the CLI).
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

/** An agent of `agency` made with `nafitha-server staff add`, signed in through the API. */
async function agentSession(request, agency) {
  const username = addStaff("agent", agency);
  const signedIn = await request.post("/api/v1/staff/session", { data: { username, password: STAFF_PASSWORD } });
  expect(signedIn.status()).toBe(200);
  return (action) => request.post(`/api/v1/staff/requests/${action.reference}/actions`, { data: action.body });
}

test("in Arabic (a phone in the mobile project): file a report, sign in by SMS code, find it, answer the agency, see the history", async ({ page, request }) => {
  // A citizen files a road-damage report on the phone, in Arabic.
  const mobile = uniqueMobile();
  await openIn(page, "ar", "/services/epm-road-damage/apply");
  await expect(page.getByRole("heading", { level: 1, name: "تفاصيل الطلب" })).toBeVisible();
  await page.getByLabel("حفرة").check();
  await page.getByRole("group", { name: /هل يشكل خطرًا/ }).getByLabel("لا").check();
  await page.getByLabel("صف التلف (اختياري)").fill("حفرة أمام المدرسة");
  await page.getByLabel("العنوان أو وصف المكان").fill("حي الفيصلية، الدمام");
  await page.getByRole("button", { name: "متابعة" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "بياناتك" })).toBeFocused();
  await page.getByLabel("الاسم الكامل").fill("نورة القحطاني");
  await page.getByLabel("رقم الجوال").fill(mobile);
  await page.getByRole("button", { name: "متابعة" }).click();
  await page.getByRole("button", { name: "أرسل الطلب" }).click();
  const { reference } = await confirmedReference(page, "تم استلام طلبك");

  // The agency asks for more, through the staff API.
  const agency = await agentSession(request, "epm");
  const asked = await agency({ reference, body: { action: "request_info", message: "ما عمق الحفرة تقريبًا؟" } });
  expect(asked.status()).toBe(204);
  const sms = (await smsMatching(mobile, "تحتاج الجهة معلومات منك")).body;
  expect(sms).toContain(`/requests/${reference}`);

  // "My requests" asks for a sign-in first.
  await openIn(page, "ar", "/requests");
  await page.getByRole("link", { name: "دخول" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "سجّل الدخول لمتابعة طلباتك" })).toBeFocused();
  await expectNoAxeViolations(page);
  await page.getByLabel("رقم الجوال").fill(mobile);
  await page.getByRole("button", { name: "أرسل الرمز" }).click();
  const code = await codeSentTo(mobile);
  await page.getByLabel("الرمز المرسل في الرسالة النصية").fill(code);
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "دخول", exact: true }).click();

  // The request is listed, waiting for the applicant.
  await expect(page).toHaveURL(/\/requests$/);
  const item = page.getByRole("listitem").filter({ hasText: reference.slice(0, 4) });
  await expect(item).toContainText("بانتظار ردك");
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  await item.getByRole("link", { name: "بلاغ تلف الطرق" }).click();

  // The request page: the question, the answer form, the history.
  await expect(page).toHaveURL(new RegExp(`/requests/${reference}$`));
  await expect(page.getByRole("heading", { level: 2, name: "تحتاج الجهة معلومات منك" })).toBeVisible();
  await expect(page.getByText("ما عمق الحفرة تقريبًا؟").first()).toBeVisible();
  await expect(page.getByText("حفرة أمام المدرسة")).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  await page.getByLabel("ردك").fill("عمقها نحو ثلاثين سنتيمترًا");
  // What was typed survives a reload.
  await page.reload();
  await expect(page.getByLabel("ردك")).toHaveValue("عمقها نحو ثلاثين سنتيمترًا");
  await page.getByRole("button", { name: "أرسل ردك" }).click();

  // Back with the agency; the answer is on the history; nothing left to answer.
  await expect(page.getByRole("definition").filter({ hasText: "قيد الدراسة" }).first()).toBeVisible();
  await expect(page.getByRole("list").filter({ hasText: "عمقها نحو ثلاثين سنتيمترًا" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "تحتاج الجهة معلومات منك" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  // Public tracking shows the stage, never the conversation.
  const tracked = await (await request.get(`/api/v1/track/${reference}`)).text();
  expect(tracked).toContain("in_review");
  expect(tracked).not.toContain("ثلاثين");
  expect(tracked).not.toContain("نورة");

  // Resolved by the agency: the applicant is invited to rate the service, and does.
  expect((await agency({ reference, body: { action: "resolve", message: "رُدمت الحفرة وسُفلتت" } })).status()).toBe(204);
  expect((await smsMatching(mobile, "تمت معالجة طلبك")).body).toContain("قيّم الخدمة");
  await page.reload();
  const rating = page.getByRole("region", { name: "قيّم الخدمة" });
  await expect(rating).toBeVisible();
  await rating.getByRole("button", { name: "أرسل تقييمك" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "توجد مشكلة" })).toBeFocused();
  await rating.getByLabel("راضٍ جدًا").check();
  await rating.getByRole("group", { name: /هل حُلّ طلبك/ }).getByLabel("نعم").check();
  await rating.getByLabel("ملاحظات (اختياري)").fill("عمل سريع، شكرًا");
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  await rating.getByRole("button", { name: "أرسل تقييمك" }).click();
  await expect(rating.getByText("يمكنك تغيير تقييمك حتى")).toBeVisible();
  const page2 = await (await request.get(`/api/v1/track/${reference}`)).text();
  expect(page2).not.toContain("عمل سريع");
});
