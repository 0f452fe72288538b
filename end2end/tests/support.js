// Helpers shared by the journeys, and the `test` every journey is written with: it fails
// a test whose pages report a Content-Security-Policy violation.
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const base = require("@playwright/test");
const AxeBuilder = require("@axe-core/playwright").default;
const { SERVER, DATA } = require("../paths");

const { expect } = base;
const OUTBOX = path.join(DATA, "outbox.jsonl");
/** What the pages log for each violation, so it can be told from other console errors. */
const CSP_VIOLATION = "CSP violation:";

/** Makes every page of `context` report each Content-Security-Policy violation into `violations`. */
async function reportCspViolations(context, violations) {
  await context.addInitScript((prefix) => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) => console.error(`${prefix} ${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
      true,
    );
  }, CSP_VIOLATION);
  // Chromium's own "Refused to … Content Security Policy" messages count too.
  context.on("console", (message) => {
    const text = message.text();
    if (text.startsWith(CSP_VIOLATION) || text.includes("Content Security Policy")) {
      violations.push(`${message.location().url}: ${text}`);
    }
  });
}

/** Playwright's `test`, with every page of the test (and of `newContext`) watched for CSP violations. */
const test = base.test.extend({
  /** The Content-Security-Policy violations the test's pages reported; the test fails unless none. */
  cspViolations: [
    async ({}, use) => {
      const violations = [];
      await use(violations);
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, cspViolations }, use) => {
    await reportCspViolations(context, cspViolations);
    await use(context);
  },
  /** Opens another browser context (someone else's browser), watched like the test's own. */
  newContext: async ({ browser, cspViolations }, use) => {
    const opened = [];
    await use(async (options) => {
      const context = await browser.newContext(options);
      opened.push(context);
      await reportCspViolations(context, cspViolations);
      return context;
    });
    await Promise.all(opened.map((context) => context.close()));
  },
});
/** The password of every staff account the journeys make. */
const STAFF_PASSWORD = "a long e2e staff password";

/** A Saudi mobile number no other journey uses. */
function uniqueMobile() {
  return "05" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
}

/** Every message the notifier has written so far (the `log` adapter's outbox file). */
function outbox() {
  if (!fs.existsSync(OUTBOX)) return [];
  return fs.readFileSync(OUTBOX, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** The international form of a Saudi mobile number as typed (05…), as the outbox has it. */
function e164(mobile) {
  return "+966" + mobile.slice(1);
}

/** Every SMS sent so far to `mobile` (as typed, 05…), oldest first. */
function smsTo(mobile) {
  return outbox().filter((m) => m.to === e164(mobile));
}

/** The newest SMS to `mobile` whose body contains `pattern` (text or RegExp), waiting until one is sent. */
async function smsMatching(mobile, pattern) {
  const matches = (body) => (typeof pattern === "string" ? body.includes(pattern) : pattern.test(body));
  let found;
  await expect
    .poll(() => {
      found = smsTo(mobile).reverse().find((m) => matches(m.body));
      return Boolean(found);
    })
    .toBe(true);
  return found;
}

/** What a sign-in code's SMS says, in either language. */
const SIGN_IN_CODE = /رمز الدخول|sign-in code/;

/** The sign-in code most recently texted to `mobile`. */
async function codeSentTo(mobile) {
  const message = await smsMatching(mobile, SIGN_IN_CODE);
  return message.body.match(/\b\d{6}\b/)[0];
}

/**
 * Files a general inquiry in Arabic through the API as `name` (a new number) asking
 * `details`, and returns its reference (12 digits).
 */
async function fileInquiry(request, name, details) {
  const filed = await request.post("/api/v1/requests", {
    headers: { "Idempotency-Key": `e2e-inquiry-${Date.now()}-${Math.random().toString(36).slice(2)}` },
    data: {
      service_code: "mof-general-inquiry",
      locale: "ar",
      applicant: { name, phone: uniqueMobile() },
      answers: { subject: "استفسار", details },
    },
  });
  expect(filed.status()).toBe(201);
  return (await filed.json()).reference;
}

/**
 * Every message about a filing texted to `mobile` so far, all of them: messages go out in
 * the order they were made, so once a sign-in code asked for now has been sent, a second
 * filing's message, made before it, would have been sent too.
 */
async function filingMessagesTo(page, mobile) {
  expect((await page.request.post("/api/v1/auth/otp", { data: { phone: mobile } })).status()).toBe(202);
  await codeSentTo(mobile);
  return smsTo(mobile).filter((m) => !SIGN_IN_CODE.test(m.body));
}

/**
 * Fills the general inquiry in English as `name` with `mobile`, goes offline and sends it:
 * the page says the request waits on the device, and offers no more changes to it.
 */
async function sendInquiryOffline(page, context, { subject, question, name, mobile }) {
  await openIn(page, "en", "/services/mof-general-inquiry/apply");
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Mobile number").fill(mobile);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your answers before sending" })).toBeVisible();
  await context.setOffline(true);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByText("You are offline. Your request is saved on this device")).toBeVisible();
  await expect(page.getByRole("link", { name: /^Change/ })).toHaveCount(0);
}

/**
 * On the confirmation page: the reference, as its address has it (12 digits), and as the
 * page shows it (grouped 4-4-4), once the page says it was received.
 */
async function confirmedReference(page, heading) {
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  const reference = new URL(page.url()).pathname.split("/").pop();
  expect(reference).toMatch(/^\d{12}$/);
  const grouped = reference.replace(/(\d{4})(\d{4})(\d{4})/, "$1 $2 $3");
  await expect(page.getByText(grouped, { exact: true }).first()).toBeVisible();
  return { reference, grouped };
}

/** A staff account made the way an administrator would, with the command line; its username. */
function addStaff(role, agency, department) {
  const username = `e2e.${role}.${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
  const args = ["staff", "add", "--username", username, "--role", role, "--agency", agency, "--password-stdin"];
  if (department) args.push("--department", department);
  execFileSync(SERVER, args, {
    input: STAFF_PASSWORD + "\n",
    env: { ...process.env, NAFITHA_DATA_DIR: DATA, NAFITHA_LOG: "warn" },
  });
  return username;
}

/** Fails with the list of axe violations (WCAG 2.2 A and AA) on the page as it is now. */
async function expectNoAxeViolations(page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Axe, and no sideways scrolling, on a page opened without JavaScript: both need a
 * script of their own (Playwright runs none in such a page), so the page's
 * address is opened again in a browser with JavaScript, its HTML as the server sent it
 * but with its scripts taken out and its `<noscript>` notices shown (as a browser without
 * JavaScript shows them), at the same size, with the same cookies.
 */
async function expectAccessibleWithoutScripts(page) {
  const browser = page.context().browser();
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() });
  await context.addCookies(await page.context().cookies());
  const copy = await context.newPage();
  await copy.route("**/*", async (route) => {
    const request = route.request();
    if (request.resourceType() === "script" || request.url().endsWith(".wasm")) return route.abort();
    if (request.resourceType() !== "document") return route.continue();
    const response = await route.fetch();
    const body = (await response.text())
      .replace(/<script\b(?![^>]*application\/json)[\s\S]*?<\/script>/g, "")
      .replace(/<(\/?)noscript>/g, "<$1div>");
    return route.fulfill({ response, body });
  });
  await copy.goto(page.url());
  await expectNoAxeViolations(copy);
  await expectNoHorizontalScroll(copy);
  await context.close();
}

/** Opens `path` with the language already chosen, as a returning user would have it. */
async function openIn(page, locale, path) {
  // Any page of the origin gives access to its storage; robots.txt is the lightest.
  // The citizens' apps remember it in a cookie the server reads; the staff's on the device.
  await page.goto("/robots.txt");
  await page.evaluate((tag) => {
    localStorage.setItem("nafitha.locale", tag);
    document.cookie = `nafitha_lang=${tag}; Path=/; SameSite=Lax`;
  }, locale);
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
}

/** True when nothing sticks out sideways: no horizontal scrolling. */
async function expectNoHorizontalScroll(page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page scrolls sideways").toBeLessThanOrEqual(0);
}

module.exports = {
  test,
  expect,
  expectNoAxeViolations,
  expectAccessibleWithoutScripts,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  outbox,
  smsTo,
  smsMatching,
  codeSentTo,
  SIGN_IN_CODE,
  fileInquiry,
  filingMessagesTo,
  sendInquiryOffline,
  confirmedReference,
  addStaff,
  STAFF_PASSWORD,
  DATA,
};
