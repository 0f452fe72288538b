//! Civil dates and working days, and dates written for people, without a date crate.
//!
//! Dates are written as the browser's `Intl.DateTimeFormat` wrote them (`dateStyle:
//! "long"`, in Saudi time), the Gregorian date first and the Umm al-Qura Hijri date beside
//! it, so that the server and the WASM write the same text.
//!
//! The working week is Sunday to Thursday. Deadlines are counted in working days from the
//! day a request is filed: a request filed on Thursday with a 1-day SLA is due Sunday.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::locale::{Locale, Localized};

pub use crate::hijri::hijri_ymd;

/// A day in milliseconds.
pub const DAY_MS: i64 = 24 * 3_600_000;

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// Days since 1970-01-01 (negative before).
    days: i64,
}

/// Days in `month` of `year`.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date with this year, month (1..=12) and day, if it exists.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || !(1..=9999).contains(&year)
        {
            return None;
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        Date { days }
    }

    /// The UTC date of a Unix time in milliseconds.
    pub fn from_unix_millis(millis: i64) -> Date {
        Date {
            days: millis.div_euclid(DAY_MS),
        }
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        self.days
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4
            || m.len() != 2
            || d.len() != 2
            || ![y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// 0 = Sunday … 6 = Saturday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        (self.days + 4).rem_euclid(7) as u32
    }

    /// True from Sunday to Thursday.
    pub fn is_working_day(self) -> bool {
        self.weekday() <= 4
    }

    pub fn add_days(self, days: i64) -> Date {
        Date {
            days: self.days + days,
        }
    }

    /// The day on which `n` working days after `self` have passed: the due date of a
    /// request filed on `self` with an SLA of `n` working days. The filing day itself
    /// does not count.
    pub fn add_working_days(self, n: u32) -> Date {
        let mut date = self;
        let mut left = n;
        while left > 0 {
            date = date.add_days(1);
            if date.is_working_day() {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `self` up to and including `end` (0 when `end` is not later).
    pub fn working_days_until(self, end: Date) -> u32 {
        let mut count = 0;
        let mut date = self;
        while date < end {
            date = date.add_days(1);
            if date.is_working_day() {
                count += 1;
            }
        }
        count
    }
}

/// Saudi Arabia's offset from UTC (no daylight saving time).
const RIYADH_OFFSET_MS: i64 = 3 * 3_600_000;

/// The date in Saudi Arabia at a Unix time in milliseconds: "today" for deadlines and for
/// date answers.
pub fn riyadh_date(unix_millis: i64) -> Date {
    Date::from_unix_millis(unix_millis + RIYADH_OFFSET_MS)
}

/// The first millisecond (Unix time) of `day` in Saudi Arabia.
pub fn riyadh_midnight_ms(day: Date) -> i64 {
    day.days_since_epoch() * DAY_MS - RIYADH_OFFSET_MS
}

/// The Gregorian months in Arabic, as `Intl` writes them (`ar-SA`).
const MONTHS_AR: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// The Gregorian months in English.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Writes `n` in ASCII digits, at least `width` of them.
fn push_number(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    while rest > 0 || digits.len() - at < width.max(1) {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend(digits[at..].iter().map(|&b| char::from(b)));
}

/// `15 January 2026`, `15 يناير 2026`: day, month and year of either calendar.
fn push_ymd(out: &mut String, (year, month, day): (i64, u32, u32), months: &[&str; 12]) {
    push_number(out, i64::from(day), 1);
    out.push(' ');
    out.push_str(months[month as usize - 1]);
    out.push(' ');
    push_number(out, year, 1);
}

/// ` (26 Rajab 1447 AH)`, ` (26 رجب 1447 هـ)`: the Hijri date of `day` after the Gregorian
/// one, or nothing outside the Umm al-Qura table.
fn push_hijri(out: &mut String, day: Date, locale: Locale) {
    if let Some(hijri) = hijri_ymd(day) {
        out.push_str(" (");
        let months = match locale {
            Locale::Ar => &crate::hijri::MONTHS_AR,
            Locale::En => &crate::hijri::MONTHS_EN,
        };
        push_ymd(out, hijri, months);
        out.push_str(locale.pick(" هـ)", " AH)"));
    }
}

/// A Gregorian date without its Hijri one, for tables of dates: `15 January 2026`,
/// `15 يناير 2026`.
pub fn format_date(day: Date, locale: Locale) -> String {
    let mut out = String::new();
    let months = match locale {
        Locale::Ar => &MONTHS_AR,
        Locale::En => &MONTHS_EN,
    };
    push_ymd(&mut out, day.ymd(), months);
    out
}

/// A calendar date, such as a due date, with its Hijri date: `15 January 2026 (26 Rajab
/// 1447 AH)`, `15 يناير 2026 (26 رجب 1447 هـ)`. Outside the Umm al-Qura table (before
/// 1924 or after 2077), the Gregorian date alone.
pub fn format_day(day: Date, locale: Locale) -> String {
    let mut out = format_date(day, locale);
    push_hijri(&mut out, day, locale);
    out
}

/// A moment (Unix time in milliseconds) in Saudi time, with the time to the minute and
/// the Hijri date of that day: `15 January 2026 at 14:30 (26 Rajab 1447 AH)`,
/// `15 يناير 2026 في 2:30 م (26 رجب 1447 هـ)`. Saudi time is taken as UTC+3 throughout,
/// whereas `Intl` keeps Riyadh's local mean time (UTC+3:06:52) before 14 March 1947.
pub fn format_moment(unix_millis: i64, locale: Locale) -> String {
    let local = unix_millis.saturating_add(RIYADH_OFFSET_MS);
    let day = Date::from_unix_millis(local);
    let minutes = local.rem_euclid(DAY_MS) / 60_000;
    let (hour, minute) = (minutes / 60, minutes % 60);
    let mut out = format_date(day, locale);
    match locale {
        Locale::Ar => {
            out.push_str(" في ");
            push_number(&mut out, (hour + 11) % 12 + 1, 1);
        }
        Locale::En => {
            out.push_str(" at ");
            push_number(&mut out, hour, 2);
        }
    }
    out.push(':');
    push_number(&mut out, minute, 2);
    if locale == Locale::Ar {
        out.push_str(if hour < 12 { " ص" } else { " م" });
    }
    push_hijri(&mut out, day, locale);
    out
}

/// "`days` days" in both languages, for messages that state a window (`7 أيام`, `14 يومًا`;
/// `7 days`): Arabic counts take the dual, the plural after 3 to 10 and the accusative
/// singular after 11 to 99.
pub fn day_count(days: i64) -> Localized {
    let en = if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    };
    let ar = match (days, days.rem_euclid(100)) {
        (1, _) => "يوم واحد".to_owned(),
        (2, _) => "يومان".to_owned(),
        (_, 3..=10) => format!("{days} أيام"),
        (_, 11..=99) => format!("{days} يومًا"),
        _ => format!("{days} يوم"),
    };
    Localized::new(ar, en)
}

/// A Unix time in milliseconds as RFC 3339 in UTC: `2026-11-23T17:05:09.123Z`.
pub fn format_rfc3339(unix_millis: i64) -> String {
    let date = Date::from_unix_millis(unix_millis);
    let ms_of_day = unix_millis.rem_euclid(DAY_MS);
    let (h, m, s, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    format!("{date}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// Reads a W3C date-time (ISO 8601) into Unix milliseconds: `2026-11-23T17:05:09Z`,
/// `2026-11-23T20:05:09.5+03:00`, `2026-11-23T20:05+03:00`; a bare date (`2026-11-23`) or
/// a time without an offset is read as Saudi time.
pub fn parse_datetime_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_ascii() || text.len() < 10 {
        return None;
    }
    let day = Date::parse(&text[..10])?;
    let rest = &text[10..];
    let midnight = day.days_since_epoch() * DAY_MS;
    if rest.is_empty() {
        return Some(midnight - RIYADH_OFFSET_MS);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, offset_ms) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = rest.rfind(['+', '-']).filter(|at| *at >= 5) {
        let (sign, zone) = (&rest[at..at + 1], &rest[at + 1..]);
        let (h, m) = zone.split_once(':').unwrap_or((zone, "00"));
        let minutes = two_digits(h)? * 60 + two_digits(m)?;
        let minutes = if sign == "-" { -minutes } else { minutes };
        (&rest[..at], minutes * 60_000)
    } else {
        (rest, RIYADH_OFFSET_MS)
    };
    let (hm, seconds) = if clock.len() == 5 {
        (clock, "00")
    } else {
        let (hm, s) = clock.split_at_checked(5)?;
        (hm, s.strip_prefix(':')?)
    };
    let (h, m) = hm.split_once(':')?;
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    let (h, m, s) = (two_digits(h)?, two_digits(m)?, two_digits(whole)?);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(midnight + ((h * 60 + m) * 60 + s) * 1000 + millis - offset_ms)
}

fn two_digits(text: &str) -> Option<i64> {
    (text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Date::parse(&value).ok_or_else(|| format!("not a date (YYYY-MM-DD): {value:?}"))
    }
}

impl From<Date> for String {
    fn from(value: Date) -> Self {
        value.to_string()
    }
}

/// In the OpenAPI document: a string (a day in the calendar, yyyy-mm-dd).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Date,
            )))
            .description(Some("A day in the calendar, YYYY-MM-DD."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    // BEGIN intl-cases: do not edit; written by tools/intl-cases.mjs from the Intl of
    // Node v20.20.2 (ICU 78.2, CLDR 48.0).
    /// `format_day`: (day, Arabic, English).
    #[rustfmt::skip]
    const DAYS: [(&str, &str, &str); 18] = [
        ("2026-01-15", "15 يناير 2026 (26 رجب 1447 هـ)", "15 January 2026 (26 Rajab 1447 AH)"),
        ("2025-12-31", "31 ديسمبر 2025 (11 رجب 1447 هـ)", "31 December 2025 (11 Rajab 1447 AH)"),
        ("2026-01-01", "1 يناير 2026 (12 رجب 1447 هـ)", "1 January 2026 (12 Rajab 1447 AH)"),
        ("2024-02-29", "29 فبراير 2024 (19 شعبان 1445 هـ)", "29 February 2024 (19 Shaʻban 1445 AH)"),
        ("2000-02-29", "29 فبراير 2000 (23 ذو القعدة 1420 هـ)", "29 February 2000 (23 Dhuʻl-Qiʻdah 1420 AH)"),
        ("2025-06-25", "25 يونيو 2025 (29 ذو الحجة 1446 هـ)", "25 June 2025 (29 Dhuʻl-Hijjah 1446 AH)"),
        ("2025-06-26", "26 يونيو 2025 (1 محرم 1447 هـ)", "26 June 2025 (1 Muharram 1447 AH)"),
        ("2026-02-17", "17 فبراير 2026 (29 شعبان 1447 هـ)", "17 February 2026 (29 Shaʻban 1447 AH)"),
        ("2026-02-18", "18 فبراير 2026 (1 رمضان 1447 هـ)", "18 February 2026 (1 Ramadan 1447 AH)"),
        ("2026-03-20", "20 مارس 2026 (1 شوال 1447 هـ)", "20 March 2026 (1 Shawwal 1447 AH)"),
        ("2025-11-21", "21 نوفمبر 2025 (30 جمادى الأولى 1447 هـ)", "21 November 2025 (30 Jumada I 1447 AH)"),
        ("1969-12-31", "31 ديسمبر 1969 (21 شوال 1389 هـ)", "31 December 1969 (21 Shawwal 1389 AH)"),
        ("1970-01-01", "1 يناير 1970 (22 شوال 1389 هـ)", "1 January 1970 (22 Shawwal 1389 AH)"),
        ("1924-08-01", "1 أغسطس 1924", "1 August 1924"),
        ("1924-08-02", "2 أغسطس 1924 (1 محرم 1343 هـ)", "2 August 1924 (1 Muharram 1343 AH)"),
        ("2077-11-16", "16 نوفمبر 2077 (30 ذو الحجة 1500 هـ)", "16 November 2077 (30 Dhuʻl-Hijjah 1500 AH)"),
        ("2077-11-17", "17 نوفمبر 2077", "17 November 2077"),
        ("1900-01-01", "1 يناير 1900", "1 January 1900"),
    ];
    /// `format_moment`: (Unix milliseconds, Arabic, English), with the time in Riyadh.
    #[rustfmt::skip]
    const MOMENTS: [(i64, &str, &str); 20] = [
        (1_768_476_600_000, "15 يناير 2026 في 2:30 م (26 رجب 1447 هـ)", "15 January 2026 at 14:30 (26 Rajab 1447 AH)"), // 2026-01-15T14:30
        (1_768_424_400_000, "15 يناير 2026 في 12:00 ص (26 رجب 1447 هـ)", "15 January 2026 at 00:00 (26 Rajab 1447 AH)"), // 2026-01-15T00:00
        (1_768_424_700_000, "15 يناير 2026 في 12:05 ص (26 رجب 1447 هـ)", "15 January 2026 at 00:05 (26 Rajab 1447 AH)"), // 2026-01-15T00:05
        (1_768_467_540_000, "15 يناير 2026 في 11:59 ص (26 رجب 1447 هـ)", "15 January 2026 at 11:59 (26 Rajab 1447 AH)"), // 2026-01-15T11:59
        (1_768_467_600_000, "15 يناير 2026 في 12:00 م (26 رجب 1447 هـ)", "15 January 2026 at 12:00 (26 Rajab 1447 AH)"), // 2026-01-15T12:00
        (1_768_471_140_000, "15 يناير 2026 في 12:59 م (26 رجب 1447 هـ)", "15 January 2026 at 12:59 (26 Rajab 1447 AH)"), // 2026-01-15T12:59
        (1_768_471_200_000, "15 يناير 2026 في 1:00 م (26 رجب 1447 هـ)", "15 January 2026 at 13:00 (26 Rajab 1447 AH)"), // 2026-01-15T13:00
        (1_768_510_740_000, "15 يناير 2026 في 11:59 م (26 رجب 1447 هـ)", "15 January 2026 at 23:59 (26 Rajab 1447 AH)"), // 2026-01-15T23:59
        (1_768_457_279_999, "15 يناير 2026 في 9:07 ص (26 رجب 1447 هـ)", "15 January 2026 at 09:07 (26 Rajab 1447 AH)"), // 2026-01-15T09:07:59.999
        (1_767_214_740_000, "31 ديسمبر 2025 في 11:59 م (11 رجب 1447 هـ)", "31 December 2025 at 23:59 (11 Rajab 1447 AH)"), // 2025-12-31T23:59
        (1_767_214_800_000, "1 يناير 2026 في 12:00 ص (12 رجب 1447 هـ)", "1 January 2026 at 00:00 (12 Rajab 1447 AH)"), // 2026-01-01T00:00
        (1_750_885_140_000, "25 يونيو 2025 في 11:59 م (29 ذو الحجة 1446 هـ)", "25 June 2025 at 23:59 (29 Dhuʻl-Hijjah 1446 AH)"), // 2025-06-25T23:59
        (1_750_885_200_000, "26 يونيو 2025 في 12:00 ص (1 محرم 1447 هـ)", "26 June 2025 at 00:00 (1 Muharram 1447 AH)"), // 2025-06-26T00:00
        (1_771_361_940_000, "17 فبراير 2026 في 11:59 م (29 شعبان 1447 هـ)", "17 February 2026 at 23:59 (29 Shaʻban 1447 AH)"), // 2026-02-17T23:59
        (1_771_362_000_000, "18 فبراير 2026 في 12:00 ص (1 رمضان 1447 هـ)", "18 February 2026 at 00:00 (1 Ramadan 1447 AH)"), // 2026-02-18T00:00
        (1_709_221_500_000, "29 فبراير 2024 في 6:45 م (19 شعبان 1445 هـ)", "29 February 2024 at 18:45 (19 Shaʻban 1445 AH)"), // 2024-02-29T18:45
        (-60_000, "1 يناير 1970 في 2:59 ص (22 شوال 1389 هـ)", "1 January 1970 at 02:59 (22 Shawwal 1389 AH)"), // 1970-01-01T02:59
        (-618_087_600_000, "1 يونيو 1950 في 8:00 ص (15 شعبان 1369 هـ)", "1 June 1950 at 08:00 (15 Shaʻban 1369 AH)"), // 1950-06-01T08:00
        (3_404_321_940_000, "16 نوفمبر 2077 في 11:59 م (30 ذو الحجة 1500 هـ)", "16 November 2077 at 23:59 (30 Dhuʻl-Hijjah 1500 AH)"), // 2077-11-16T23:59
        (3_404_322_000_000, "17 نوفمبر 2077 في 12:00 ص", "17 November 2077 at 00:00"), // 2077-11-17T00:00
    ];
    /// `format_date`: (day, Arabic, English).
    #[rustfmt::skip]
    const DATES: [(&str, &str, &str); 6] = [
        ("2026-01-15", "15 يناير 2026", "15 January 2026"),
        ("2024-02-29", "29 فبراير 2024", "29 February 2024"),
        ("1900-01-01", "1 يناير 1900", "1 January 1900"),
        ("2099-12-31", "31 ديسمبر 2099", "31 December 2099"),
        ("0001-01-01", "1 يناير 1", "1 January 1"),
        ("9999-12-31", "31 ديسمبر 9999", "31 December 9999"),
    ];
    // END intl-cases

    #[test]
    fn days_read_as_intl_wrote_them_with_their_hijri_date() {
        for (day, ar, en) in DAYS {
            assert_eq!(format_day(d(day), Locale::Ar), ar, "{day}");
            assert_eq!(format_day(d(day), Locale::En), en, "{day}");
        }
    }

    #[test]
    fn moments_read_as_intl_wrote_them_in_riyadh_time() {
        for (ms, ar, en) in MOMENTS {
            assert_eq!(format_moment(ms, Locale::Ar), ar, "{ms}");
            assert_eq!(format_moment(ms, Locale::En), en, "{ms}");
        }
    }

    #[test]
    fn dates_read_as_intl_wrote_them_without_the_hijri_date() {
        for (day, ar, en) in DATES {
            assert_eq!(format_date(d(day), Locale::Ar), ar, "{day}");
            assert_eq!(format_date(d(day), Locale::En), en, "{day}");
        }
    }

    #[test]
    fn day_counts_read_right_in_both_languages() {
        let cases = [
            (1, "يوم واحد", "1 day"),
            (2, "يومان", "2 days"),
            (7, "7 أيام", "7 days"),
            (10, "10 أيام", "10 days"),
            (14, "14 يومًا", "14 days"),
            (30, "30 يومًا", "30 days"),
            (100, "100 يوم", "100 days"),
            (103, "103 أيام", "103 days"),
        ];
        for (days, ar, en) in cases {
            assert_eq!(day_count(days), Localized::new(ar, en), "{days}");
        }
    }

    #[test]
    fn dates_round_trip_through_days_across_centuries_and_leap_days() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2024-02-29",
            "1900-03-01",
            "2026-11-23",
            "9999-12-31",
            "0001-01-01",
        ] {
            assert_eq!(d(text).to_string(), text);
        }
        // Every year from 0001 to 9999 is in range.
        for days in (-719_162..2_932_896).step_by(997) {
            let date = Date::from_days_since_epoch(days);
            let (y, m, dd) = date.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(date), "{days}");
        }
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(Date::from_unix_millis(-1).to_string(), "1969-12-31");
    }

    #[test]
    fn impossible_or_malformed_dates_are_refused() {
        for text in [
            "2025-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "26-01-01",
            "2026-1-01",
            "2026/01/01",
            "",
            "2026-01-0x",
        ] {
            assert_eq!(Date::parse(text), None, "{text}");
        }
    }

    #[test]
    fn times_format_as_rfc3339_utc_and_riyadh_is_three_hours_ahead() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339(1_795_453_509_123),
            "2026-11-23T17:05:09.123Z"
        );
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
        // 21:30 UTC on the 23rd is 00:30 on the 24th in Riyadh.
        let late = 1_795_469_400_000;
        assert_eq!(format_rfc3339(late), "2026-11-23T21:30:00.000Z");
        assert_eq!(riyadh_date(late).to_string(), "2026-11-24");
    }

    #[test]
    fn the_working_week_is_sunday_to_thursday() {
        // 2026-11-22 is a Sunday.
        assert_eq!(d("2026-11-22").weekday(), 0);
        let week: Vec<bool> = (0..7)
            .map(|i| d("2026-11-22").add_days(i).is_working_day())
            .collect();
        assert_eq!(week, [true, true, true, true, true, false, false]);
    }

    #[test]
    fn due_dates_skip_fridays_and_saturdays() {
        // Filed Thursday 2026-11-26 with 1 working day: due Sunday 2026-11-29.
        assert_eq!(d("2026-11-26").add_working_days(1), d("2026-11-29"));
        // Filed Monday with 5 working days: due the next Monday.
        assert_eq!(d("2026-11-23").add_working_days(5), d("2026-11-30"));
        // Filed on a Friday with 2: Sunday and Monday count.
        assert_eq!(d("2026-11-27").add_working_days(2), d("2026-11-30"));
        assert_eq!(d("2026-11-23").add_working_days(0), d("2026-11-23"));
        assert_eq!(d("2026-11-23").add_working_days(10), d("2026-12-07"));
    }

    #[test]
    fn working_days_between_two_dates_invert_the_due_date() {
        for start in 0..14 {
            let filed = d("2026-11-20").add_days(start);
            for n in 0..25 {
                assert_eq!(filed.working_days_until(filed.add_working_days(n)), n);
            }
        }
        assert_eq!(d("2026-11-30").working_days_until(d("2026-11-23")), 0);
    }

    #[test]
    fn w3c_date_times_read_with_their_offset_or_as_saudi_time() {
        let utc = |t: &str| parse_datetime_ms(t).map(format_rfc3339);
        assert_eq!(
            utc("2026-11-23T17:05:09Z").unwrap(),
            "2026-11-23T17:05:09.000Z"
        );
        assert_eq!(
            utc("2026-11-23T20:05:09.5+03:00").unwrap(),
            "2026-11-23T17:05:09.500Z"
        );
        assert_eq!(
            utc("2026-11-23T12:05-05:00").unwrap(),
            "2026-11-23T17:05:00.000Z"
        );
        assert_eq!(
            utc("2026-11-23T20:05:09").unwrap(),
            "2026-11-23T17:05:09.000Z"
        );
        assert_eq!(utc("2026-11-23").unwrap(), "2026-11-22T21:00:00.000Z");
        for bad in [
            "",
            "2026-11-23T",
            "2026-13-01",
            "2026-11-23T24:00:00Z",
            "2026-11-23T10:00:00+3",
            "2026-11-23T10:00:0Z",
            "2026-11-23X10:00Z",
            "2026-11-23T10:00:00.x1Z",
            "٢٠٢٦-١١-٢٣",
        ] {
            assert_eq!(parse_datetime_ms(bad), None, "{bad}");
        }
    }
}
