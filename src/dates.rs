//! Dates for people, formatted by the browser's `Intl` (no date crate in the WASM): the
//! Gregorian date with the Hijri (Umm al-Qura) date beside it, in the user's language,
//! in Saudi time.

use nafitha_domain::calendar::Date;
use nafitha_domain::Locale;
use wasm_bindgen::JsValue;

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

fn both(date: &js_sys::Date, locale: Locale, with_time: bool) -> String {
    let gregorian = format(date, locale, "gregory", with_time);
    let hijri = format(date, locale, "islamic-umalqura", false);
    format!("{gregorian} ({hijri})")
}

/// Today in Riyadh, by the device's clock (for the form's date limits; the server checks
/// again by its own).
pub fn today() -> Date {
    nafitha_domain::calendar::riyadh_date(js_sys::Date::now() as i64)
}

/// Noon UTC of `day`: the same day in Riyadh.
fn noon(day: Date) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_str(&format!("{day}T12:00:00Z")))
}

/// A calendar date, Gregorian only (for tables of dates).
#[cfg(not(citizens))]
pub fn format_date(day: Date, locale: Locale) -> String {
    format(&noon(day), locale, "gregory", false)
}

/// A calendar date, such as a due date.
pub fn format_day(day: Date, locale: Locale) -> String {
    both(&noon(day), locale, false)
}

/// A moment given in milliseconds since the epoch (as the device's clock keeps it).
#[cfg(not(feature = "backoffice"))]
pub fn format_epoch_ms(ms: u64, locale: Locale) -> String {
    both(
        &js_sys::Date::new(&JsValue::from_f64(ms as f64)),
        locale,
        true,
    )
}

/// A moment given as RFC 3339, with its time.
pub fn format_moment(rfc3339: &str, locale: Locale) -> String {
    both(
        &js_sys::Date::new(&JsValue::from_str(rfc3339)),
        locale,
        true,
    )
}
