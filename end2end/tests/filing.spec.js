// Filing: a citizen files, leaves with a reference number, and can track it. Drafts
// survive a reload; a send while offline waits on the device and files exactly once.
const fs = require("fs");
const path = require("path");
const {
  test,
  expect,
  expectNoAxeViolations,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  smsTo,
  fileInquiry,
  filingMessagesTo,
  sendInquiryOffline,
  confirmedReference,
  DATA,
} = require("./support");

/** A real JPEG (a screenshot) with an EXIF segment carrying a GPS position added. */
async function photoWithLocation(page) {
  const jpeg = await page.screenshot({ type: "jpeg", quality: 80 });
  const exif = Buffer.from("Exif\0\0GPSLatitude=26.4207;GPSLongitude=50.0888;Make=TestPhone");
  const segment = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(exif.length + 2) >> 8, (exif.length + 2) & 0xff]), exif]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** The upload stored most recently. */
function newestUpload() {
  const dir = path.join(DATA, "uploads");
  const files = fs.readdirSync(dir).map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }));
  files.sort((a, b) => b.t - a.t);
  return fs.readFileSync(path.join(dir, files[0].f));
}

test.describe("in Arabic, on a phone", () => {
  test.use({ geolocation: { latitude: 26.4207, longitude: 50.0888 }, permissions: ["geolocation"] });

  test("a citizen reports road damage with a location and reads the reference number", async ({ page }) => {
    const mobile = uniqueMobile();
    await page.goto("/services/epm-road-damage");
    await page.getByRole("link", { name: "ابدأ الآن" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "تفاصيل الطلب" })).toBeFocused();
    await expectNoAxeViolations(page);

    // Nothing answered: the error summary takes focus and links to each question.
    await page.getByRole("button", { name: "متابعة" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "توجد مشكلة" });
    await expect(summary).toBeFocused();
    await expect(page).toHaveTitle(/^خطأ: /);
    await expectNoAxeViolations(page);
    await summary.getByRole("link", { name: "اختر نوع التلف" }).click();
    await expect(page.getByLabel("حفرة")).toBeFocused();

    await page.getByLabel("حفرة").check();
    await page.getByRole("group", { name: /هل يشكل خطرًا/ }).getByLabel("نعم").check();
    await page.getByRole("button", { name: "استخدم موقعي الحالي" }).click();
    await expect(page.getByText("26.42070, 50.08880")).toBeVisible();
    await page.getByLabel("العنوان أو وصف المكان").fill("شارع الملك فهد، الدمام");
    const photo = await photoWithLocation(page);
    expect(photo.includes("GPSLatitude")).toBe(true);
    await page.getByLabel("صور (اختياري)").setInputFiles({ name: "حفرة.jpg", mimeType: "image/jpeg", buffer: photo });
    await expect(page.getByRole("listitem").filter({ hasText: "حفرة.jpg" })).toBeVisible();
    const stored = newestUpload();
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(stored.includes("GPSLatitude")).toBe(false);
    expect(stored.includes("TestPhone")).toBe(false);
    await expectNoAxeViolations(page);
    await expectNoHorizontalScroll(page);
    await page.getByRole("button", { name: "متابعة" }).click();

    await expect(page.getByRole("heading", { level: 1, name: "بياناتك" })).toBeFocused();
    await page.getByLabel("الاسم الكامل").fill("سارة العتيبي");
    await page.getByLabel("رقم الجوال").fill("٠" + mobile.slice(1).replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]));
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "متابعة" }).click();

    await expect(page.getByRole("heading", { level: 1, name: "راجع طلبك قبل الإرسال" })).toBeVisible();
    await expect(page.getByText("شارع الملك فهد، الدمام · 26.42070, 50.08880")).toBeVisible();
    await expect(page.getByText("حفرة.jpg")).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "أرسل الطلب" }).click();

    const { grouped: reference } = await confirmedReference(page, "تم استلام طلبك");
    await expect(page.getByText("ماذا يحدث بعد ذلك")).toBeVisible();
    await expect(page.getByRole("link", { name: "940" })).toBeVisible();
    await expectNoAxeViolations(page);
    await expectNoHorizontalScroll(page);

    // The SMS carries the same reference, in Arabic.
    await expect.poll(() => smsTo(mobile).length).toBe(1);
    // The SMS groups the reference with no-break spaces (they keep their order in Arabic).
    expect(smsTo(mobile)[0].body.replace(/\s/g, " ")).toContain(reference);
    expect(smsTo(mobile)[0].body).toContain("استلمنا طلبك");
  });
});

test("an applicant files a telecom complaint in English and tracks it by its reference", async ({ page }) => {
  const mobile = uniqueMobile();
  await openIn(page, "en", "/services/cst-service-complaint");
  await page.getByRole("link", { name: "Start now" }).click();
  await page.getByLabel("Mobily").check();
  await page.getByLabel("Internet").check();
  await page.getByLabel("Service number").fill(mobile);
  await page.getByLabel("Provider's complaint number").fill("MB-2026-1182");
  await page.getByLabel("Details of the complaint").fill("The fibre line has been down for nine days.");
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Full name").fill("Omar Haddad");
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByLabel("Email address (optional)").fill("not-an-email");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await expect(page.getByText("Enter an email address in the correct format").first()).toBeVisible();
  await page.getByLabel("Email address (optional)").fill("omar@example.com");
  await page.getByRole("button", { name: "Continue" }).click();

  // Change an answer from the check page.
  await expect(page.getByRole("heading", { level: 1, name: "Check your answers before sending" })).toBeVisible();
  await page.getByRole("link", { name: "Change Provider", exact: true }).click();
  await page.getByLabel("Zain").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Zain")).toBeVisible();
  await page.getByRole("button", { name: "Send request" }).click();

  const { reference } = await confirmedReference(page, "Request received");
  await expectNoAxeViolations(page);

  // The draft was cleared on the device: starting again starts empty.
  await page.goto("/services/cst-service-complaint/apply");
  await expect(page.getByLabel("Provider's complaint number")).toHaveValue("");
  await expect(page.getByText("We restored what you typed before")).toHaveCount(0);
  await page.goBack();

  await page.getByRole("link", { name: "Track your request" }).click();
  await expect(page).toHaveURL(new RegExp(`/track\\?ref=${reference}$`));
  await expect(page.getByText("Received").first()).toBeVisible();
  await expect(page.getByText("Telecom or internet service complaint")).toBeVisible();
  await expect(page.getByText("Telecom Consumer Protection").first()).toBeVisible();
  await expect(page.getByText("Omar")).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test("tracking accepts Arabic-Indic digits and spaces, and catches a mistyped digit", async ({ page, request }) => {
  const reference = await fileInquiry(request, "خالد الزهراني", "سؤال عن أمر دفع");
  const arabicIndic = reference.replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]);
  const spaced = `${arabicIndic.slice(0, 4)} ${arabicIndic.slice(4, 8)} ${arabicIndic.slice(8)}`;

  await page.goto("/track");
  await expect(page.getByRole("heading", { level: 1, name: "تابع طلبًا" })).toBeVisible();
  await page.getByLabel("رقم الطلب").fill(spaced);
  await page.getByRole("button", { name: "ابحث" }).click();
  await expect(page).toHaveURL(new RegExp(`/track\\?ref=${reference}$`));
  await expect(page.getByText("تم الاستلام").first()).toBeVisible();
  await expect(page.getByText("استفسار عام").first()).toBeVisible();
  await expect(page.getByText("خالد")).toHaveCount(0);
  await expectNoAxeViolations(page);

  // One digit wrong: the check digit catches it before anything is asked of the server.
  const wrong = reference.slice(0, 5) + String((Number(reference[5]) + 1) % 10) + reference.slice(6);
  await page.getByLabel("رقم الطلب").fill(wrong);
  await page.getByRole("button", { name: "ابحث" }).click();
  const summary = page.getByRole("alert").filter({ hasText: "توجد مشكلة" });
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("رقم الطلب غير صحيح");
  await expectNoAxeViolations(page);
});

test("what a citizen typed survives a reload", async ({ page }) => {
  await openIn(page, "en", "/services/mof-general-inquiry/apply");
  await page.getByLabel("Subject").fill("Pension transfer");
  await page.getByLabel("Your question").fill("How long does a transfer take?");
  await page.reload();
  await expect(page.getByText("We restored what you typed before")).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue("Pension transfer");
  await expect(page.getByLabel("Your question")).toHaveValue("How long does a transfer take?");
  await expectNoAxeViolations(page);
});

test("a request sent while offline waits on the device and is filed exactly once", async ({ page, context }) => {
  const mobile = uniqueMobile();
  await sendInquiryOffline(page, context, { subject: "Offline filing", question: "Sent from a train.", name: "Layla Nasser", mobile });
  await expectNoAxeViolations(page);
  // A second tap while offline must not create a second request later.
  await page.getByRole("button", { name: "Send request" }).click();

  await context.setOffline(false);
  const { grouped: reference } = await confirmedReference(page, "Request received");
  const filed = await filingMessagesTo(page, mobile);
  expect(filed).toHaveLength(1);
  expect(filed[0].body.replace(/\s/g, " ")).toContain(reference);
});

test("an investor applies for a permit with a PDF, after a file that only pretends to be a photo is refused", async ({ page }) => {
  const mobile = uniqueMobile();
  await openIn(page, "en", "/services/mim-emergency-operating-permit");
  await page.getByRole("link", { name: "Start now" }).click();
  await page.getByLabel("Industrial licence number").fill("IL-449120");
  await page.getByLabel("Workers on site").fill("120");
  await page.getByLabel("Two shifts").check();

  const documents = page.getByLabel("Required documents");
  await documents.setInputFiles({ name: "licence.jpg", mimeType: "image/jpeg", buffer: Buffer.from("this is not a picture") });
  await expect(page.getByText("licence.jpg: The file is not a real image")).toBeVisible();
  await expectNoAxeViolations(page);

  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  await documents.setInputFiles({ name: "safety-plan.pdf", mimeType: "application/pdf", buffer: pdf });
  const listed = page.getByRole("listitem").filter({ hasText: "safety-plan.pdf" });
  await expect(listed).toBeVisible();
  await expect(page.getByText("licence.jpg: The file is not a real image")).toHaveCount(0);
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Full name").fill("Faisal Al-Qahtani");
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByLabel("Commercial registration number (optional)").fill("2050012345");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("safety-plan.pdf")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Send request" }).click();

  await confirmedReference(page, "Request received");
  await expect(page.getByText("Ministry of Industry and Mineral Resources").first()).toBeVisible();
  await expectNoAxeViolations(page);
});
