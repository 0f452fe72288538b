//! Dates for people, formatted by the browser's `Intl` (no date crate in the WASM): the
//! Gregorian date with the Hijri (Umm al-Qura) date beside it, in the user's language,
//! in Saudi time.
//!
//! On the server (`ssr`) there is no `Intl`: until the calendars are in Rust (issue 16,
//! phase 2, decision 0018) a page rendered there shows dates as ISO `YYYY-MM-DD` in
//! Riyadh, never a panic.

use nafitha_domain::calendar::Date;
use nafitha_domain::Locale;
#[cfg(target_family = "wasm")]
use wasm_bindgen::JsValue;

#[cfg(target_family = "wasm")]
fn format(date: &js_sys::Date, locale: Locale, calendar: &str, with_time: bool) -> String {
    let tag = match locale {
        Locale::Ar => format!("ar-SA-u-ca-{calendar}-nu-latn"),
        Locale::En => format!("en-GB-u-ca-{calendar}"),
    };
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("dateStyle", "long");
    if with_time {
        set("timeStyle", "short");
    }
    set("timeZone", "Asia/Riyadh");
    let locales = js_sys::Array::of1(&JsValue::from_str(&tag));
    let formatter = js_sys::Intl::DateTimeFormat::new(&locales, &options);
    formatter
        .format()
        .call1(&JsValue::NULL, date)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

#[cfg(target_family = "wasm")]
fn both(date: &js_sys::Date, locale: Locale, with_time: bool) -> String {
    let gregorian = format(date, locale, "gregory", with_time);
    let hijri = format(date, locale, "islamic-umalqura", false);
    format!("{gregorian} ({hijri})")
}

/// Today in Riyadh, by the device's clock (for the form's date limits; the server checks
/// again by its own).
pub fn today() -> Date {
    #[cfg(target_family = "wasm")]
    let now = js_sys::Date::now() as i64;
    #[cfg(not(target_family = "wasm"))]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    nafitha_domain::calendar::riyadh_date(now)
}

/// Noon UTC of `day`: the same day in Riyadh.
#[cfg(target_family = "wasm")]
fn noon(day: Date) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_str(&format!("{day}T12:00:00Z")))
}

/// A calendar date, Gregorian only (for tables of dates).
#[cfg(all(figures, target_family = "wasm"))]
pub fn format_date(day: Date, locale: Locale) -> String {
    format(&noon(day), locale, "gregory", false)
}

/// A calendar date, such as a due date.
#[cfg(target_family = "wasm")]
pub fn format_day(day: Date, locale: Locale) -> String {
    both(&noon(day), locale, false)
}

/// A moment given in milliseconds since the epoch (as the device's clock keeps it).
#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
pub fn format_epoch_ms(ms: u64, locale: Locale) -> String {
    both(
        &js_sys::Date::new(&JsValue::from_f64(ms as f64)),
        locale,
        true,
    )
}

/// A moment given as RFC 3339, with its time.
#[cfg(target_family = "wasm")]
pub fn format_moment(rfc3339: &str, locale: Locale) -> String {
    both(
        &js_sys::Date::new(&JsValue::from_str(rfc3339)),
        locale,
        true,
    )
}

// TODO(issue 16, phase 2): the Gregorian and Umm al-Qura calendars in `crates/domain`,
// formatted as `Intl` does, so the server's dates read like the browser's.

/// On the server: the date as `YYYY-MM-DD`.
#[cfg(all(figures, not(target_family = "wasm")))]
pub fn format_date(day: Date, _locale: Locale) -> String {
    day.to_string()
}

/// On the server: the date as `YYYY-MM-DD`.
#[cfg(not(target_family = "wasm"))]
pub fn format_day(day: Date, _locale: Locale) -> String {
    day.to_string()
}

/// On the server: the day in Riyadh as `YYYY-MM-DD`, or the text as given when it is not
/// RFC 3339.
#[cfg(not(target_family = "wasm"))]
pub fn format_moment(rfc3339: &str, _locale: Locale) -> String {
    match nafitha_domain::calendar::parse_datetime_ms(rfc3339) {
        Some(ms) => nafitha_domain::calendar::riyadh_date(ms).to_string(),
        None => rfc3339.to_owned(),
    }
}

/// On the server: the day in Riyadh as `YYYY-MM-DD`.
#[cfg(all(not(target_family = "wasm"), not(feature = "backoffice")))]
pub fn format_epoch_ms(ms: u64, _locale: Locale) -> String {
    nafitha_domain::calendar::riyadh_date(i64::try_from(ms).unwrap_or(i64::MAX)).to_string()
}
