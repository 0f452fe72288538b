//! The Umm al-Qura calendar, Saudi Arabia's official Hijri calendar, for the Hijri date
//! shown beside the Gregorian one. Its months are fixed by the published calendar, not by
//! a formula, so this module reads them from a table of month lengths (the same as the
//! browser's `Intl` uses); outside the table there is no Hijri date.

use crate::calendar::Date;

// BEGIN umalqura-table: do not edit; written by tools/umalqura-table.mjs from the Intl
// of Node v20.20.2 (ICU 78.2).
/// The table's first Hijri year.
const FIRST_YEAR: i64 = 1343;
/// 1 Muharram AH 1343 (1924-08-02), in days since 1970-01-01. The table ends
/// on 2077-11-16, the last day of AH 1500.
const FIRST_DAY: i64 = -16588;
/// The lengths of the months of each year from `FIRST_YEAR`: bit `m - 1` is set when
/// month `m` has 30 days, clear when it has 29.
#[rustfmt::skip]
const MONTHS: [u16; 158] = [
    0x6a9, 0x535, 0x25d, 0x4bd, 0x9ba, 0x3b4, 0xb69, 0xb2a, 0xa55, 0x4ad, 0xa5d, 0x2da,
    0x6d9, 0xeaa, 0xe94, 0xd2a, 0xc56, 0x4ae, 0xa6d, 0x56a, 0xd55, 0xd4a, 0xa93, 0x52b,
    0xa5b, 0x53a, 0x6b5, 0xea9, 0xd52, 0xd29, 0xa55, 0x4ad, 0x56d, 0xaea, 0x6e4, 0xed1,
    0xda2, 0xaaa, 0x95a, 0x2da, 0x5b9, 0xbb2, 0x764, 0x6c9, 0x555, 0x2ab, 0x4db, 0xaba,
    0x5b4, 0xda9, 0xd52, 0xaa5, 0x92d, 0x26d, 0x8ed, 0x2da, 0xad5, 0xaa5, 0xa4b, 0x497,
    0x937, 0x2b6, 0x975, 0xd69, 0xd52, 0xc95, 0x92b, 0x25b, 0x4db, 0x9d5, 0x5d2, 0xda5,
    0xd4a, 0xa95, 0x54d, 0xaad, 0x3aa, 0xbd2, 0xbc4, 0xb89, 0xa95, 0x52d, 0x5ad, 0xb6a,
    0x6d4, 0xdc9, 0xd92, 0xaa6, 0x956, 0x2ae, 0x56d, 0x36a, 0xb55, 0xaaa, 0x94d, 0x49d,
    0x95d, 0x2ba, 0x5b5, 0x5aa, 0xd55, 0xa9a, 0x92e, 0x26e, 0x55d, 0xada, 0x6d4, 0x6a5,
    0xb27, 0xa4d, 0x4ad, 0x56d, 0xb5a, 0x754, 0xf49, 0xe92, 0xd26, 0xa56, 0x356, 0x6b5,
    0xbaa, 0xb92, 0xb25, 0x68b, 0xa9b, 0x55a, 0xada, 0x5b4, 0xda9, 0xb52, 0xa9a, 0x536,
    0x276, 0x575, 0xaf2, 0x6d4, 0x6a9, 0x555, 0x2ad, 0x4bd, 0x9ba, 0x574, 0xb69, 0xb52,
    0xa95, 0x52d, 0xa5d, 0x4da, 0xad9, 0x6b2, 0xe95, 0xe2a, 0xc96, 0x92e, 0xaad, 0x56a,
    0xd65, 0xd4a,
];
// END umalqura-table

/// The Hijri months in Arabic, as `Intl` writes them (`ar-SA-u-ca-islamic-umalqura`).
pub(crate) const MONTHS_AR: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

/// The Hijri months in English, as `Intl` writes them (`en-GB-u-ca-islamic-umalqura`),
/// with U+02BB (ʻ) for the ʿayn.
pub(crate) const MONTHS_EN: [&str; 12] = [
    "Muharram",
    "Safar",
    "Rabiʻ I",
    "Rabiʻ II",
    "Jumada I",
    "Jumada II",
    "Rajab",
    "Shaʻban",
    "Ramadan",
    "Shawwal",
    "Dhuʻl-Qiʻdah",
    "Dhuʻl-Hijjah",
];

/// The Umm al-Qura date (year AH, month 1..=12, day 1..=30) of a Gregorian day, if the
/// table covers it: from 1 Muharram 1343 (2 August 1924) to the end of 1500 (16 November
/// 2077).
pub fn hijri_ymd(day: Date) -> Option<(i64, u32, u32)> {
    let mut left = day.days_since_epoch() - FIRST_DAY;
    if left < 0 {
        return None;
    }
    for (year, lengths) in (FIRST_YEAR..).zip(MONTHS) {
        let year_length = 12 * 29 + i64::from(lengths.count_ones());
        if left >= year_length {
            left -= year_length;
            continue;
        }
        for month in 0..12 {
            let month_length = 29 + i64::from(lengths >> month & 1);
            if left < month_length {
                return Some((year, month + 1, left as u32 + 1));
            }
            left -= month_length;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_table_runs_from_1343_to_1500() {
        assert_eq!(hijri_ymd(d("1924-08-01")), None);
        assert_eq!(hijri_ymd(d("1924-08-02")), Some((1343, 1, 1)));
        assert_eq!(hijri_ymd(d("2077-11-16")), Some((1500, 12, 30)));
        assert_eq!(hijri_ymd(d("2077-11-17")), None);
        assert_eq!(hijri_ymd(d("1900-01-01")), None);
        assert_eq!(hijri_ymd(d("9999-12-31")), None);
        // 1 Ramadan 1447 and 1 Shawwal 1447 (Eid al-Fitr).
        assert_eq!(hijri_ymd(d("2026-02-18")), Some((1447, 9, 1)));
        assert_eq!(hijri_ymd(d("2026-03-20")), Some((1447, 10, 1)));
    }

    #[test]
    fn every_day_of_the_table_follows_the_one_before() {
        let first = Date::from_days_since_epoch(FIRST_DAY);
        let mut previous = hijri_ymd(first).unwrap();
        assert_eq!(previous, (FIRST_YEAR, 1, 1));
        let mut day = first.add_days(1);
        let mut days = 1;
        while let Some(today) = hijri_ymd(day) {
            let (y, m, dd) = previous;
            let next = if today.2 == 1 {
                assert!(dd == 29 || dd == 30, "{day}: a month of {dd} days");
                if m == 12 {
                    (y + 1, 1, 1)
                } else {
                    (y, m + 1, 1)
                }
            } else {
                (y, m, dd + 1)
            };
            assert_eq!(today, next, "{day}");
            previous = today;
            day = day.add_days(1);
            days += 1;
        }
        let years = MONTHS.len() as i64;
        assert_eq!(previous, (FIRST_YEAR + years - 1, 12, previous.2));
        // A Hijri year is 354 or 355 days long.
        assert!((354 * years..=355 * years).contains(&days), "{days}");
    }
}
