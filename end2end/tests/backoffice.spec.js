// The back office, in English: a citizen files; an agent of the roads department signs in,
// finds the request in the queue, notes something internally and asks for information; the
// citizen answers; the agent refers it to the building department; an agent there resolves
// it. The citizen's tracking page shows each public step, and the internal note never
// reaches the citizen's side.
const {
  test,
  expect,
  expectNoAxeViolations,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  codeSentTo,
  confirmedReference,
  addStaff,
  STAFF_PASSWORD: PASSWORD,
} = require("./support");

async function staffSignIn(page, username) {
  await openIn(page, "en", "/staff");
  await expect(page.getByRole("heading", { level: 1, name: "Staff sign-in" })).toBeVisible();
  await expectNoAxeViolations(page);
  // Nothing typed: the error summary names both fields.
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await expect(page.getByRole("link", { name: "Enter your username" })).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
}

async function act(page, action, message, department) {
  await page.getByRole("radio", { name: action }).check();
  if (message) await page.getByLabel("Message or reason").fill(message);
  if (department) await page.getByLabel("Refer to", { exact: true }).selectOption({ label: department });
  await page.getByRole("button", { name: "Record the action" }).click();
}

test("in English: staff take a request from the queue to its resolution, and the citizen follows each public step", async ({ page, newContext }) => {
  test.slow();
  // A citizen reports road damage.
  const mobile = uniqueMobile();
  await openIn(page, "en", "/services/epm-road-damage/apply");
  await page.getByLabel("Pothole").check();
  await page.getByRole("group", { name: /Is it an immediate danger/ }).getByLabel("No").check();
  await page.getByLabel("Describe the damage (optional)").fill("A deep pothole outside the school gate");
  await page.getByLabel("Address or description of the place").fill("Al Faisaliyah, Dammam");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Full name").fill("Huda Salem");
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Send request" }).click();
  const { reference, grouped } = await confirmedReference(page, "Request received");

  // An agent of the roads department finds it in the queue.
  const roads = addStaff("agent", "epm", "epm-roads");
  const building = addStaff("agent", "epm", "epm-building");
  const staffContext = await newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, roads);
  await expectNoAxeViolations(staff);
  await staff.getByText("Filter the requests").click();
  // Letters are not a reference: checked in the browser before the server is asked.
  await staff.getByLabel("Reference number, or its first digits").fill("abc");
  await staff.getByRole("button", { name: "Apply filters" }).click();
  await expect(staff.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await expect(staff.getByRole("link", { name: /digits only/ })).toBeVisible();
  await expect(staff).not.toHaveURL(/q=abc/);
  await staff.getByLabel("Reference number, or its first digits").fill(reference.slice(0, 8));
  await staff.getByRole("button", { name: "Apply filters" }).click();
  await expect(staff).toHaveURL(new RegExp(`q=${reference.slice(0, 8)}`));
  const row = staff.getByRole("row").filter({ hasText: grouped });
  await expect(row).toContainText("Road damage report");
  await expectNoAxeViolations(staff);
  await row.getByRole("link", { name: grouped }).click();
  await expect(staff.getByRole("heading", { level: 1 })).toContainText(grouped);
  await expect(staff.getByText("A deep pothole outside the school gate")).toBeVisible();
  await expect(staff.getByText("Huda Salem")).toBeVisible();
  await expectNoAxeViolations(staff);

  // Take it, note something internally, then ask the citizen.
  await staff.getByRole("button", { name: "Take this request" }).click();
  await expect(staff.getByRole("button", { name: "Give it back" })).toBeVisible();
  await act(staff, "Internal note (the applicant never sees it)", "Same spot was patched in 2024; check the contractor");
  await expect(staff.getByText("Same spot was patched in 2024; check the contractor")).toBeVisible();
  // A question needs its text: the error summary says so and nothing is recorded.
  await act(staff, "Ask the applicant for information");
  await expect(staff.getByRole("alert").filter({ hasText: "There is a problem" })).toBeFocused();
  await act(staff, "Ask the applicant for information", "How wide is the hole, roughly?");
  await expect(staff.getByRole("list", { name: "Timeline" })).toContainText("How wide is the hole, roughly?");
  await expect(staff.getByRole("definition").filter({ hasText: "Waiting for you" })).toBeVisible();
  await expectNoAxeViolations(staff);

  // The citizen signs in with the texted code and answers.
  await page.goto(`/requests/${reference}`);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByRole("button", { name: "Send the code" }).click();
  await page.getByLabel(/code/i).fill(await codeSentTo(mobile));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name: /information/i })).toBeVisible();
  await expect(page.getByText("How wide is the hole, roughly?").first()).toBeVisible();
  await page.getByLabel("Your answer").fill("About a metre across");
  await page.getByRole("button", { name: "Send your answer" }).click();
  await expect(page.getByText("About a metre across").first()).toBeVisible();

  // The agent sees the answer and refers the request to the building department.
  await staff.reload();
  await expect(staff.getByRole("list", { name: "Timeline" })).toContainText("About a metre across");
  await act(staff, "Refer to another department or agency", "Building works next to the road", "Eastern Province Municipality — Building Permits");
  // It left the roads department's work: back to the queue, where it is no longer listed.
  await expect(staff.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  const queue = staff.getByRole("table", { name: "Requests, by due date" });
  await expect(queue.or(staff.getByText("No requests match these filters."))).toBeVisible();
  await expect(staff.getByRole("row").filter({ hasText: grouped })).toHaveCount(0);
  await staff.goto(`/staff/requests/${reference}`);
  await expect(staff.getByRole("heading", { level: 1, name: "Request not found" })).toBeVisible();
  await staff.getByRole("button", { name: "Sign out" }).click();

  // An agent of the building department resolves it.
  await staffSignIn(staff, building);
  await staff.getByRole("row").filter({ hasText: grouped }).getByRole("link").click();
  await act(staff, "Resolve", "The contractor filled and resurfaced the hole");
  await expect(staff.getByRole("definition").filter({ hasText: "Resolved" })).toBeVisible();
  await expectNoHorizontalScroll(staff);
  await expectNoAxeViolations(staff);

  // The citizen's tracking page shows each public step, never the note.
  await page.goto(`/track?ref=${reference}`);
  const timeline = page.getByRole("list", { name: "History" });
  for (const step of ["Received", "Waiting for you", "Referred", "Resolved"]) {
    await expect(timeline).toContainText(step);
  }
  await expect(page.getByText("Building Permits").first()).toBeVisible();
  await expectNoAxeViolations(page);
  for (const where of [`/track?ref=${reference}`, `/requests/${reference}`]) {
    await page.goto(where);
    // Drawn first (the history is there), then searched for the note.
    await expect(page.getByRole("list", { name: "History" })).toContainText("Resolved");
    await expect(page.getByRole("main")).not.toContainText("patched in 2024");
  }
  await expect(page.getByRole("main")).toContainText("The contractor filled and resurfaced the hole");
  await staffContext.close();
});

test("an admin edits a service, deactivates it for new filings, and manages its ready answers", async ({ page, request }, testInfo) => {
  // Each project edits its own service, so the two running at once never meet.
  const [code, name, sla] = testInfo.project.name === "mobile"
    ? ["epm-labour-gathering", "Labour gathering report", "3"]
    : ["epm-street-cleanliness", "Street cleanliness report", "2"];
  const admin = addStaff("admin", "epm");
  await staffSignIn(page, admin);
  await page.getByRole("navigation", { name: "Back office sections" }).getByRole("link", { name: "Services", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your agency's services" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expectNoAxeViolations(page);

  // Refused, naming the fields, and nothing saved: no English name, a broken form.
  await page.getByLabel("Name in English").fill("");
  await page.getByLabel("Form definition (JSON)").fill('{"fields": [');
  await page.getByRole("button", { name: "Save" }).click();
  const summary = page.getByRole("alert").filter({ hasText: "There is a problem" });
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("The form definition is not valid JSON");
  await expect(summary).toContainText("the service's name in English");
  expect((await (await request.get(`/api/v1/services/${code}`)).json()).name.en).toBe(name);

  // Saved: a longer time to complete, and no new filings.
  await page.reload();
  await page.getByLabel("Time to complete, in working days").fill("4");
  await page.getByLabel("The service accepts new requests").uncheck();
  // After saving, the screen loads the agency's services again and fills the inputs from
  // the stored service: wait for that, so it does not overwrite what is typed next.
  const redrawn = page.waitForResponse(
    (r) => r.url().endsWith("/api/v1/staff/services") && r.request().method() === "GET",
  );
  await page.getByRole("button", { name: "Save" }).click();
  await redrawn;
  const service = async () => (await request.get(`/api/v1/services/${code}`)).json();
  await expect.poll(async () => (await service()).sla_working_days).toBe(4);
  expect((await service()).active).toBe(false);
  await expect(page.getByLabel("Time to complete, in working days")).toHaveValue("4");
  const listed = await (await request.get("/api/v1/services")).json();
  expect(listed.some((s) => s.code === code)).toBe(false);

  // A ready answer, added and deleted, on the service's own screen for them.
  await page.getByRole("link", { name: "Ready answers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ready answers" })).toBeVisible();
  await page.getByLabel("Title in Arabic").fill("تم التنظيف");
  await page.getByLabel("Title in English").fill("Cleaned");
  await page.getByLabel("Text in Arabic").fill("نظفنا الموقع. شكرًا لبلاغك");
  await page.getByLabel("Text in English").fill("We cleaned the site. Thank you for reporting it");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByText("We cleaned the site. Thank you for reporting it")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Delete Cleaned" }).click();
  await expect(page.getByText("This service has no ready answers yet.")).toBeVisible();

  // Back as it was, for everyone else.
  await page.getByRole("link", { name: "Back to the service" }).click();
  await expect(page.getByLabel("Time to complete, in working days")).toHaveValue("4");
  await page.getByLabel("Time to complete, in working days").fill(sla);
  await page.getByLabel("The service accepts new requests").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(async () => (await service()).active).toBe(true);
  expect((await service()).sla_working_days).toBe(Number(sla));
});

test("in Arabic, by keyboard alone: a supervisor signs in and opens the open work per department", async ({ page }) => {
  const supervisor = addStaff("supervisor", "epm");
  await openIn(page, "ar", "/staff");
  await expect(page.getByRole("heading", { level: 1, name: "دخول الموظفين" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.getByLabel("اسم المستخدم").focus();
  await page.keyboard.type(supervisor);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("كلمة المرور")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "الطلبات" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
  const link = page.getByRole("link", { name: "العمل المفتوح حسب الإدارة" });
  await link.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "العمل المفتوح حسب الإدارة" })).toBeFocused();
  await expect(page.getByRole("row").filter({ hasText: "الطرق والصيانة" })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
});

test("a filtered queue lives in its address: reloaded, or opened in another browser, it shows the same rows", async ({ page, request, newContext }, testInfo) => {
  // Each project files to a service no other journey uses, so the rows are only these.
  const [code, answers, shown] = testInfo.project.name === "mobile"
    ? ["epm-bill-inquiry", { bill_number: "INV-2026-77", topic: "paid" }, ["Topic", "Paid but not updated"]]
    : ["epm-suggestion", { area: "parks", details: "More shade in the park", wants_reply: "yes" }, ["Area", "Parks"]];
  for (let i = 0; i < 3; i++) {
    const filed = await request.post("/api/v1/requests", {
      headers: { "Idempotency-Key": `e2e-queue-${testInfo.project.name}-${Date.now()}-${i}` },
      data: { service_code: code, locale: "en", applicant: { name: "Omar Saleh", phone: uniqueMobile() }, answers },
    });
    expect(filed.status()).toBe(201);
  }
  const supervisor = addStaff("supervisor", "epm");
  await staffSignIn(page, supervisor);
  await page.getByText("Filter the requests").click();
  await page.getByLabel("Status").selectOption("submitted");
  await page.getByLabel("Service", { exact: true }).selectOption(code);
  await page.getByLabel("Assigned to").selectOption("none");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`/staff\\?status=submitted&service=${code}&assignee=none$`));
  const table = page.getByRole("table", { name: "Requests, by due date" });
  await expect(table.getByRole("row")).not.toHaveCount(0);
  const rows = await table.getByRole("row").allInnerTexts();
  expect(rows.length).toBeGreaterThanOrEqual(4);
  await expectNoAxeViolations(page);

  // Reloaded: the same rows, and the form shows the filters.
  await page.reload();
  await expect(table.getByRole("row")).toHaveCount(rows.length);
  expect(await table.getByRole("row").allInnerTexts()).toEqual(rows);
  await expect(page.getByLabel("Status")).toHaveValue("submitted");
  await expect(page.getByLabel("Assigned to")).toHaveValue("none");

  // Shared: a colleague opens the address, signs in, and sees the same rows.
  const colleague = await (await newContext()).newPage();
  await openIn(colleague, "en", page.url().replace(/^https?:\/\/[^/]+/, ""));
  await colleague.getByLabel("Username").fill(addStaff("supervisor", "epm"));
  await colleague.getByLabel("Password").fill(PASSWORD);
  await colleague.getByRole("button", { name: "Sign in" }).click();
  const theirs = colleague.getByRole("table", { name: "Requests, by due date" });
  await expect(theirs.getByRole("row")).toHaveCount(rows.length);
  expect(await theirs.getByRole("row").allInnerTexts()).toEqual(rows);

  // A request's answers read as the applicant saw them: the choice's label, not its code.
  await theirs.getByRole("row").nth(1).getByRole("link").click();
  await expect(colleague.getByLabel(shown[0], { exact: true })).toHaveText(shown[1]);
  await expectNoAxeViolations(colleague);
});
