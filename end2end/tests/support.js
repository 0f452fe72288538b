// Helpers shared by the journeys.
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { expect } = require("@playwright/test");
const AxeBuilder = require("@axe-core/playwright").default;

const ROOT = path.join(__dirname, "..", "..");
/** The server's data directory during the journeys (playwright.config.js). */
const DATA = path.join(ROOT, "target", "e2e-data");
const OUTBOX = path.join(DATA, "outbox.jsonl");
const SERVER = path.join(ROOT, "target", "release", "nafitha-server");
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

/** Opens `path` with the language already chosen, as a returning user would have it. */
async function openIn(page, locale, path) {
  // Any page of the origin gives access to its storage; robots.txt is the lightest.
  await page.goto("/robots.txt");
  await page.evaluate((tag) => localStorage.setItem("nafitha.locale", tag), locale);
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
  expectNoAxeViolations,
  openIn,
  expectNoHorizontalScroll,
  uniqueMobile,
  outbox,
  addStaff,
  STAFF_PASSWORD,
  DATA,
};
