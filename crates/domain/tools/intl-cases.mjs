// Captures what the browser's `Intl` writes for a set of dates and moments, as the
// expected strings of the formatting tests in crates/domain/src/calendar.rs (the block
// between `// BEGIN intl-cases` and `// END intl-cases`): the Rust functions must write
// exactly these bytes.
//
//   node crates/domain/tools/intl-cases.mjs           prints the block
//   node crates/domain/tools/intl-cases.mjs --write   rewrites it in calendar.rs
//
// The formats are those the apps used (src/dates.rs before the Rust formatting):
// `dateStyle: "long"` (with `timeStyle: "short"` for moments) in Asia/Riyadh, Gregorian
// then Umm al-Qura in parentheses. Outside the Rust table (AH 1343 to 1500) the Hijri
// date is left out, as the Rust functions do. Run with Node 20.
import { readFileSync, writeFileSync } from "node:fs";

const FIRST_YEAR = 1343;
const LAST_YEAR = 1500;

const tags = {
  ar: ["ar-SA-u-ca-gregory-nu-latn", "ar-SA-u-ca-islamic-umalqura-nu-latn"],
  en: ["en-GB-u-ca-gregory", "en-GB-u-ca-islamic-umalqura"],
};
const formatter = (tag, withTime) =>
  new Intl.DateTimeFormat(tag, {
    dateStyle: "long",
    ...(withTime ? { timeStyle: "short" } : {}),
    timeZone: "Asia/Riyadh",
  });
const hijriYear = new Intl.DateTimeFormat("en-u-ca-islamic-umalqura", {
  timeZone: "Asia/Riyadh",
  year: "numeric",
});

/// What the apps showed for `date` in `locale`: the Gregorian date (with the time when
/// `withTime`), then the Hijri date when the table covers it (or only the Gregorian date
/// when `gregorianOnly`).
function format(date, locale, { withTime = false, gregorianOnly = false } = {}) {
  const [gregory, umalqura] = tags[locale];
  const gregorian = formatter(gregory, withTime).format(date);
  if (gregorianOnly) return gregorian;
  const year = Number(hijriYear.formatToParts(date).find((p) => p.type === "year").value);
  if (year < FIRST_YEAR || year > LAST_YEAR) return gregorian;
  return `${gregorian} (${formatter(umalqura, false).format(date)})`;
}

/// A Rust string literal; marks that cannot be seen (and anything unusual) as `\u{…}`.
function rust(text) {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0);
    const plain =
      (code >= 0x20 && code < 0x7f && c !== '"' && c !== "\\") ||
      (code >= 0x621 && code <= 0x64a) ||
      code === 0x2bb;
    out += plain ? c : `\\u{${code.toString(16)}}`;
  }
  return out + '"';
}

// Days (format_day): the example of the brief, both calendars' month and year ends, leap
// days, the table's first and last days and the days just outside it.
const days = [
  "2026-01-15",
  "2025-12-31",
  "2026-01-01",
  "2024-02-29",
  "2000-02-29",
  "2025-06-25", // 29 Dhuʻl-Hijjah 1446
  "2025-06-26", // 1 Muharram 1447
  "2026-02-17", // 29 Shaʻban 1447
  "2026-02-18", // 1 Ramadan 1447
  "2026-03-20", // 1 Shawwal 1447
  "2025-11-21", // 30 Jumada I 1447
  "1969-12-31",
  "1970-01-01",
  "1924-08-01", // the day before the table
  "1924-08-02", // 1 Muharram 1343, the table's first day
  "2077-11-16", // 30 Dhuʻl-Hijjah 1500, the table's last day
  "2077-11-17", // the day after the table
  "1900-01-01",
];
// Moments (format_moment), in Riyadh time: midnight, before and after noon, the last
// minute of the day, at both calendars' month and year ends, before 1970.
const moments = [
  "2026-01-15T14:30",
  "2026-01-15T00:00",
  "2026-01-15T00:05",
  "2026-01-15T11:59",
  "2026-01-15T12:00",
  "2026-01-15T12:59",
  "2026-01-15T13:00",
  "2026-01-15T23:59",
  "2026-01-15T09:07:59.999",
  "2025-12-31T23:59",
  "2026-01-01T00:00",
  "2025-06-25T23:59",
  "2025-06-26T00:00",
  "2026-02-17T23:59",
  "2026-02-18T00:00",
  "2024-02-29T18:45",
  "1970-01-01T02:59",
  "1950-06-01T08:00",
  "2077-11-16T23:59",
  "2077-11-17T00:00",
];
// Dates (format_date): Gregorian only.
const dates = ["2026-01-15", "2024-02-29", "1900-01-01", "2099-12-31", "0001-01-01", "9999-12-31"];

const noon = (day) => new Date(`${day}T12:00:00Z`);
const indent = "    ";
const lines = [
  `${indent}// BEGIN intl-cases: do not edit; written by tools/intl-cases.mjs from the Intl of`,
  `${indent}// Node ${process.version} (ICU ${process.versions.icu}, CLDR ${process.versions.cldr}).`,
  `${indent}/// \`format_day\`: (day, Arabic, English).`,
  `${indent}#[rustfmt::skip]`,
  `${indent}const DAYS: [(&str, &str, &str); ${days.length}] = [`,
  ...days.map((d) => `${indent}    (${rust(d)}, ${rust(format(noon(d), "ar"))}, ${rust(format(noon(d), "en"))}),`),
  `${indent}];`,
  `${indent}/// \`format_moment\`: (Unix milliseconds, Arabic, English), with the time in Riyadh.`,
  `${indent}#[rustfmt::skip]`,
  `${indent}const MOMENTS: [(i64, &str, &str); ${moments.length}] = [`,
  ...moments.map((m) => {
    const date = new Date(`${m}+03:00`);
    const ms = date.getTime().toString().replace(/\B(?=(\d{3})+$)/g, "_");
    const ar = format(date, "ar", { withTime: true });
    const en = format(date, "en", { withTime: true });
    return `${indent}    (${ms}, ${rust(ar)}, ${rust(en)}), // ${m}`;
  }),
  `${indent}];`,
  `${indent}/// \`format_date\`: (day, Arabic, English).`,
  `${indent}#[rustfmt::skip]`,
  `${indent}const DATES: [(&str, &str, &str); ${dates.length}] = [`,
  ...dates.map((d) => {
    const ar = format(noon(d), "ar", { gregorianOnly: true });
    const en = format(noon(d), "en", { gregorianOnly: true });
    return `${indent}    (${rust(d)}, ${rust(ar)}, ${rust(en)}),`;
  }),
  `${indent}];`,
  `${indent}// END intl-cases`,
];
const block = lines.join("\n");

if (process.argv.includes("--write")) {
  const path = new URL("../src/calendar.rs", import.meta.url);
  const source = readFileSync(path, "utf8");
  const pattern = / *\/\/ BEGIN intl-cases[^]*?\/\/ END intl-cases/;
  if (!pattern.test(source)) throw new Error("calendar.rs has no intl-cases block");
  writeFileSync(path, source.replace(pattern, () => block));
} else {
  console.log(block);
}
