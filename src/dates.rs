//! Dates for people: the Gregorian date with the Hijri (Umm al-Qura) date beside it, in
//! the user's language, in Saudi time.
//!
//! The citizens' and records apps format them in Rust (`nafitha_domain::calendar`, checked
//! against `Intl`), so the server renders the same dates (decision 0018). The staff's
//! apps, never rendered on the server, keep the browser's `Intl`, which costs their WASM
//! less (the intake desk's budget has no room for the calendars).

use nafitha_domain::calendar::Date;
use nafitha_domain::Locale;
#[cfg(feature = "backoffice")]
use wasm_bindgen::JsValue;

#[cfg(feature = "backoffice")]
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

#[cfg(feature = "backoffice")]
fn both(date: &js_sys::Date, locale: Locale, with_time: bool) -> String {
    let gregorian = format(date, locale, "gregory", with_time);
    let hijri = format(date, locale, "islamic-umalqura", false);
    format!("{gregorian} ({hijri})")
}

/// Today in Riyadh, by the device's clock (for the form's date limits; the server checks
/// again by its own).
pub fn today() -> Date {
    nafitha_domain::calendar::riyadh_date(now_ms())
}

/// The clock, in milliseconds since the epoch.
fn now_ms() -> i64 {
    #[cfg(target_family = "wasm")]
    let now = js_sys::Date::now() as i64;
    #[cfg(not(target_family = "wasm"))]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    now
}

/// Noon UTC of `day`: the same day in Riyadh.
#[cfg(feature = "backoffice")]
fn noon(day: Date) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_str(&format!("{day}T12:00:00Z")))
}

/// A calendar date, Gregorian only (for tables of dates).
#[cfg(all(figures, feature = "backoffice"))]
pub fn format_date(day: Date, locale: Locale) -> String {
    format(&noon(day), locale, "gregory", false)
}

/// A calendar date, such as a due date.
#[cfg(feature = "backoffice")]
pub fn format_day(day: Date, locale: Locale) -> String {
    both(&noon(day), locale, false)
}

/// A moment given as RFC 3339, with its time.
#[cfg(feature = "backoffice")]
pub fn format_moment(rfc3339: &str, locale: Locale) -> String {
    both(
        &js_sys::Date::new(&JsValue::from_str(rfc3339)),
        locale,
        true,
    )
}

/// A calendar date, Gregorian only (for tables of dates).
#[cfg(all(figures, not(feature = "backoffice")))]
pub fn format_date(day: Date, locale: Locale) -> String {
    nafitha_domain::calendar::format_date(day, locale)
}

/// A calendar date, such as a due date.
#[cfg(not(feature = "backoffice"))]
pub fn format_day(day: Date, locale: Locale) -> String {
    nafitha_domain::calendar::format_day(day, locale)
}

/// A moment given as RFC 3339, with its time (the text as given when it is not one).
#[cfg(not(feature = "backoffice"))]
pub fn format_moment(rfc3339: &str, locale: Locale) -> String {
    match nafitha_domain::calendar::parse_datetime_ms(rfc3339) {
        Some(ms) => nafitha_domain::calendar::format_moment(ms, locale),
        None => rfc3339.to_owned(),
    }
}

/// A moment given in milliseconds since the epoch (as the device's clock keeps it).
#[cfg(not(feature = "backoffice"))]
pub fn format_epoch_ms(ms: u64, locale: Locale) -> String {
    nafitha_domain::calendar::format_moment(i64::try_from(ms).unwrap_or(i64::MAX), locale)
}
