// Licences (issue 18), on a desktop in English: an investor applies for a shop's health
// licence with a CR number; a supervisor approves it; the fee is paid through the test
// payment adapter; the licence shows in "My licences"; its certificate prints without the
// portal around it, with a QR code whose address checks it as valid; the supervisor
// suspends it, and the check, in Arabic on a phone, says suspended. Axe on each state.
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

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** `1234567890` in Arabic-Indic digits, as a phone's Arabic keyboard types it. */
const arabicIndic = (digits) => digits.replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]);

test("in English on a desktop: apply, approve, pay, print the certificate whose QR checks as valid; suspended, the check in Arabic on a phone says so", async ({ page, newContext, baseURL }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the issue's journey is on a desktop, its last check on a phone");
  test.slow();
  const mobile = uniqueMobile();

  // The investor applies.
  await openIn(page, "en", "/services/epm-shop-health-licence/apply");
  await page.getByLabel("Commercial registration number", { exact: true }).fill("2050012345");
  await page.getByLabel("Municipal licence number").fill("ML-2026-118");
  await page.getByLabel("Number of workers").fill("6");
  await page.getByRole("group", { name: /handle food/ }).getByLabel("Yes").check();
  await page.getByLabel("Bakery").check();
  await page.getByLabel("Required documents").setInputFiles({ name: "cr.pdf", mimeType: "application/pdf", buffer: PDF });
  await expect(page.getByRole("listitem").filter({ hasText: "cr.pdf" })).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Full name").fill("Faisal Saad Al-Qahtani");
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Send request" }).click();
  const { reference, grouped } = await confirmedReference(page, "Request received");

  // A supervisor of the municipality approves it: a bill, no licence yet.
  const supervisor = addStaff("supervisor", "epm");
  const staffContext = await newContext();
  const staff = await staffContext.newPage();
  await openIn(staff, "en", "/staff");
  await staff.getByLabel("Username").fill(supervisor);
  await staff.getByLabel("Password").fill(STAFF_PASSWORD);
  await staff.getByRole("button", { name: "Sign in" }).click();
  await expect(staff.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  await staff.goto(`/staff/requests/${reference}`);
  await expect(staff.getByRole("heading", { level: 1 })).toContainText(grouped);
  await staff.getByRole("radio", { name: "Resolve" }).check();
  await staff.getByLabel("Message or reason").fill("The inspection passed. The licence is issued once the fee is paid.");
  await staff.getByRole("button", { name: "Record the action" }).click();
  await expect(staff.getByRole("definition").filter({ hasText: "Resolved" })).toBeVisible();
  const billed = (await smsMatching(mobile, "SAR 100.00")).body;
  expect(billed).toContain(`${baseURL}/licences`);

  // The investor follows the SMS's link, signs in, and finds the fee to pay.
  await page.goto("/licences");
  await expect(page.getByRole("heading", { level: 1, name: "My licences" })).toBeVisible();
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByRole("button", { name: "Send the code" }).click();
  await page.getByLabel(/code/i).fill(await codeSentTo(mobile));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/licences$/);
  const fees = page.getByRole("region", { name: "Fees to pay" });
  await expect(fees).toContainText("Health licence for a shop");
  await expect(fees).toContainText("SAR 100.00");
  await expect(page.getByText("No licence has been issued to your mobile number yet.")).toBeVisible();
  await expectNoAxeViolations(page);

  // Paid through the test adapter: the licence is issued and listed.
  await fees.getByRole("button", { name: "Pay now" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My licences" })).toBeFocused();
  const issued = page.getByRole("link", { name: "Health licence for a shop" });
  await expect(issued).toBeVisible();
  await expect(page.getByRole("region", { name: "Fees to pay" })).toHaveCount(0);
  await expect(page.getByRole("listitem").filter({ hasText: "Health licence for a shop" })).toContainText("Valid");
  await expectNoAxeViolations(page);
  await smsMatching(mobile, "we received SAR 100.00");

  // The licence in full.
  await issued.click();
  await expect(page.getByRole("heading", { level: 1, name: "Health licence for a shop" })).toBeVisible();
  const number = new URL(page.url()).pathname.split("/").pop();
  expect(number).toMatch(/^\d{10}$/);
  await expect(page.getByRole("definition").filter({ hasText: "2050012345" })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: "Bakery" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Renew the licence" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The certificate: both languages, the QR code drawn by the server, nothing else on paper.
  await page.getByRole("link", { name: "Certificate to print" }).click();
  const certificate = page.getByRole("article");
  await expect(certificate).toContainText("Health licence for a shop");
  await expect(certificate).toContainText("شهادة صحية لمحل");
  await expect(certificate).toContainText("Faisal Saad Al-Qahtani");
  const qr = certificate.getByRole("img", { name: /QR code/ });
  await expect(qr).toBeVisible();
  await expect.poll(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0)).toBe(true);
  const address = `${baseURL}/verify/${number}`;
  await expect(certificate).toContainText(address);
  await expectNoAxeViolations(page);
  await page.emulateMedia({ media: "print" });
  await expect(certificate).toBeVisible();
  for (const portal of [page.getByRole("navigation"), page.getByRole("contentinfo"), page.getByRole("button", { name: "Print" })]) {
    await expect(portal.first()).toBeHidden();
  }
  await page.emulateMedia({ media: "screen" });

  // What the QR code holds, opened by anyone: valid, the holder's name masked.
  const anyoneContext = await newContext();
  const anyone = await anyoneContext.newPage();
  await openIn(anyone, "en", `/verify/${number}`);
  const verdict = anyone.getByRole("region", { name: /Status/ });
  await expect(verdict).toContainText("Valid");
  await expect(verdict).toContainText("Faisal S*** A***");
  await expect(anyone.getByRole("main")).not.toContainText("Saad");
  await expect(anyone.getByRole("main")).not.toContainText(mobile.slice(1));
  await expectNoAxeViolations(anyone);
  // A mistyped number is refused in the page, by the check digit, before any lookup.
  const wrong = number.slice(0, 9) + String((Number(number[9]) + 1) % 10);
  await anyone.getByLabel("Licence number").fill(wrong);
  await anyone.getByRole("button", { name: "Check" }).click();
  await expect(anyone.getByRole("link", { name: /not right/ })).toBeVisible();
  await expect(anyone).toHaveURL(new RegExp(`/verify/${number}$`));
  await expectNoAxeViolations(anyone);

  // Renewing: the licence's answers go as they are; the documents are attached afresh.
  await page.goto(`/licences/${number}`);
  await page.getByRole("link", { name: "Renew the licence" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Renew the licence" })).toBeVisible();
  await page.getByRole("button", { name: "Send the renewal" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await expectNoAxeViolations(page);
  await page.getByLabel("Required documents").setInputFiles({ name: "cr-2027.pdf", mimeType: "application/pdf", buffer: PDF });
  await expect(page.getByRole("listitem").filter({ hasText: "cr-2027.pdf" })).toBeVisible();
  await page.getByRole("button", { name: "Send the renewal" }).click();
  const renewal = page.getByRole("status").filter({ hasText: "The renewal is sent" });
  await expect(renewal).toBeVisible();
  await expectNoAxeViolations(page);
  const renewalReference = (await renewal.locator(".reference").textContent()).replace(/\s/g, "");
  expect(renewalReference).toMatch(/^\d{12}$/);
  await page.goto(`/licences/${number}`);
  await expect(page.getByRole("link", { name: new RegExp(renewalReference.slice(0, 4)) })).toBeVisible();
  await expect(page.getByText("A renewal is being reviewed")).toBeVisible();
  await expect(page.getByRole("link", { name: "Renew the licence" })).toHaveCount(0);

  // The supervisor finds it in the agency's register (the licensing desk, its own app)
  // and suspends it.
  await staff.goto("/staff");
  await staff.getByRole("link", { name: "Licences", exact: true }).click();
  await expect(staff.getByRole("heading", { level: 1, name: "Licences" })).toBeVisible();
  await staff.getByLabel("Licence number, CR number or holder's name").fill(number);
  await staff.getByRole("button", { name: "Search", exact: true }).click();
  await staff.getByRole("row").filter({ hasText: "2050012345" }).getByRole("link").click();
  await expect(staff.getByRole("heading", { level: 1 })).toContainText(number.slice(0, 5));
  await expectNoAxeViolations(staff);
  const suspension = staff.getByRole("region", { name: "Suspend the licence" });
  await suspension.getByLabel("Reason").fill("The kitchen failed its hygiene inspection");
  await suspension.getByLabel("Last day of the suspension").fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
  await suspension.getByRole("button", { name: "Suspend the licence" }).click();
  await expect(staff.getByRole("definition").filter({ hasText: "Suspended" })).toBeVisible();
  await expectNoAxeViolations(staff);
  await smsMatching(mobile, "suspended your licence");

  // On a phone, in Arabic, the check says suspended, typed with Arabic-Indic digits.
  const phoneContext = await newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  await openIn(phone, "ar", "/verify");
  await expect(phone.getByRole("heading", { level: 1, name: "التحقق من رخصة" })).toBeVisible();
  await expectNoAxeViolations(phone);
  await phone.getByLabel("رقم الرخصة").fill(arabicIndic(number));
  await phone.getByRole("button", { name: "تحقق" }).click();
  await expect(phone).toHaveURL(new RegExp(`/verify/${number}$`));
  const arabicVerdict = phone.getByRole("region", { name: /الحالة/ });
  await expect(arabicVerdict).toContainText("موقوفة");
  await expect(arabicVerdict).toContainText("موقوفة حتى");
  await expect(arabicVerdict).toContainText("شهادة صحية لمحل");
  await expectNoAxeViolations(phone);
  await expectNoHorizontalScroll(phone);
  await staffContext.close();
});
