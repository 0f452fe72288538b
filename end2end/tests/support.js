// Helpers shared by the journeys.
const { expect } = require("@playwright/test");
const AxeBuilder = require("@axe-core/playwright").default;

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

module.exports = { expectNoAxeViolations, openIn, expectNoHorizontalScroll };
