// Writes the Umm al-Qura month table of crates/domain/src/hijri.rs (the block between
// `// BEGIN umalqura-table` and `// END umalqura-table`) from the ICU data that Node's
// `Intl` carries, so the Rust calendar shows the same Hijri dates as the browser did.
//
//   node crates/domain/tools/umalqura-table.mjs           prints the block
//   node crates/domain/tools/umalqura-table.mjs --write   rewrites it in hijri.rs
//
// The data (which Gregorian day each Hijri month starts on) comes only from
// `Intl.DateTimeFormat("en-u-ca-islamic-umalqura")`; run with Node 20.
import { readFileSync, writeFileSync } from "node:fs";

const FIRST_YEAR = 1343;
const LAST_YEAR = 1500;
const DAY_MS = 86_400_000;

const hijri = new Intl.DateTimeFormat("en-u-ca-islamic-umalqura", {
  timeZone: "UTC",
  year: "numeric",
  month: "numeric",
  day: "numeric",
});

/// The Hijri (year, month, day) of a day counted from 1970-01-01 (read at noon UTC).
function hijriOf(days) {
  const parts = Object.fromEntries(
    hijri.formatToParts(days * DAY_MS + DAY_MS / 2).map((p) => [p.type, p.value]),
  );
  return [Number(parts.year), Number(parts.month), Number(parts.day)];
}

// Every month's first day, from a little before 1 Muharram FIRST_YEAR to a little after
// the last day of LAST_YEAR; each day must follow the one before it.
const starts = new Map(); // "year-month" -> days since 1970-01-01
let previous = null;
const from = Math.floor(Date.UTC(1924, 0, 1) / DAY_MS);
const to = Math.floor(Date.UTC(2078, 11, 31) / DAY_MS);
for (let days = from; days <= to; days++) {
  const [y, m, d] = hijriOf(days);
  if (previous) {
    const [py, pm, pd] = previous;
    const next =
      (y === py && m === pm && d === pd + 1) ||
      (d === 1 && (pd === 29 || pd === 30) && ((y === py && m === pm + 1) || (y === py + 1 && m === 1 && pm === 12)));
    if (!next) throw new Error(`Intl skips from ${previous} to ${[y, m, d]} on day ${days}`);
  }
  if (d === 1) starts.set(`${y}-${m}`, days);
  previous = [y, m, d];
}

const start = (y, m) => {
  const days = starts.get(`${y}-${m}`);
  if (days === undefined) throw new Error(`no start for ${y}-${m}`);
  return days;
};
const years = [];
for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
  let bits = 0;
  for (let m = 1; m <= 12; m++) {
    const length = (m === 12 ? start(y + 1, 1) : start(y, m + 1)) - start(y, m);
    if (length !== 29 && length !== 30) throw new Error(`${y}-${m} has ${length} days`);
    if (length === 30) bits |= 1 << (m - 1);
  }
  years.push(bits);
}

const iso = (days) => new Date(days * DAY_MS).toISOString().slice(0, 10);
const firstDay = start(FIRST_YEAR, 1);
const lastDay = start(LAST_YEAR + 1, 1) - 1;
const hex = years.map((b) => "0x" + b.toString(16).padStart(3, "0"));
const rows = [];
for (let i = 0; i < hex.length; i += 12) rows.push("    " + hex.slice(i, i + 12).join(", ") + ",");
const block = `// BEGIN umalqura-table: do not edit; written by tools/umalqura-table.mjs from the Intl
// of Node ${process.version} (ICU ${process.versions.icu}).
/// The table's first Hijri year.
const FIRST_YEAR: i64 = ${FIRST_YEAR};
/// 1 Muharram AH ${FIRST_YEAR} (${iso(firstDay)}), in days since 1970-01-01. The table ends
/// on ${iso(lastDay)}, the last day of AH ${LAST_YEAR}.
const FIRST_DAY: i64 = ${firstDay};
/// The lengths of the months of each year from \`FIRST_YEAR\`: bit \`m - 1\` is set when
/// month \`m\` has 30 days, clear when it has 29.
#[rustfmt::skip]
const MONTHS: [u16; ${years.length}] = [
${rows.join("\n")}
];
// END umalqura-table`;

if (process.argv.includes("--write")) {
  const path = new URL("../src/hijri.rs", import.meta.url);
  const source = readFileSync(path, "utf8");
  const pattern = /\/\/ BEGIN umalqura-table[^]*?\/\/ END umalqura-table/;
  if (!pattern.test(source)) throw new Error("hijri.rs has no umalqura-table block");
  writeFileSync(path, source.replace(pattern, () => block));
} else {
  console.log(block);
}
