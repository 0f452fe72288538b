//! App-wide contexts: the chosen language and the screen-reader announcer; and what an
//! app starts from ([`Boot`]: the address and the language).
//!
//! Each context is a small `Copy` struct made by its `provide_*` function at the root and
//! read with `use_*` anywhere below it.

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::{texts, Texts};

/// Where the staff's apps remember their language on the device.
#[cfg(feature = "backoffice")]
const LOCALE_KEY: &str = "nafitha.locale";

/// Where a citizens' app starts and in which language: in the browser its address and the
/// language `Locale::choose` gives ([`Boot::from_browser`]); on the server the request's,
/// by the same rule (`ssr::render`). The app reads nothing else from its surroundings while it builds its
/// first view, so both render the same page.
#[cfg(not(feature = "backoffice"))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Boot {
    /// The address's path, as `/services/x`.
    pub path: String,
    /// The address's query, as `?q=y`, or empty.
    pub search: String,
    /// The language to show.
    pub locale: Locale,
    /// The address asked for that language (`?lang=`, a link from an SMS say): the app
    /// remembers it.
    pub asked: bool,
}

#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
impl Boot {
    /// The browser's address, and the language its `?lang=`, the remembered one or the
    /// browser's languages give (`Locale::choose`, as the server does).
    pub fn from_browser() -> Boot {
        let address = window().location();
        let search = address.search().unwrap_or_default();
        let asked = crate::router::query_value(&search, "lang");
        let cookies = cookies();
        let remembered =
            nafitha_domain::locale::cookie_value(&cookies, nafitha_domain::locale::LANGUAGE_COOKIE);
        Boot {
            path: address.pathname().unwrap_or_else(|_| "/".into()),
            locale: Locale::choose(asked.as_deref(), remembered, &browser_languages()),
            asked: asked.as_deref().and_then(Locale::from_tag).is_some(),
            search,
        }
    }
}

/// The language the page is shown in.
#[derive(Clone, Copy)]
pub struct LocaleContext {
    pub locale: RwSignal<Locale>,
}

impl LocaleContext {
    /// The current texts, tracked.
    pub fn texts(&self) -> &'static Texts {
        texts(self.locale.get())
    }
}

#[cfg(feature = "backoffice")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The pairs of the query `search` (`?a=1&lang=en`) but `lang`, as written.
#[cfg(not(feature = "backoffice"))]
pub fn pairs_but_lang(search: &str) -> Vec<&str> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect()
}

/// Drops `lang` from the address (in place, no new history entry): once the user switches
/// language, a reload keeps their choice rather than the link's.
#[cfg(not(feature = "backoffice"))]
pub fn forget_asked_language() {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    if !search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair.starts_with("lang="))
    {
        return;
    }
    let kept = pairs_but_lang(&search);
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    let url = format!(
        "{}{query}{}",
        location.pathname().unwrap_or_default(),
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The browser's languages, most preferred first, as an `Accept-Language` value.
#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
fn browser_languages() -> String {
    let languages = window().navigator().languages();
    languages
        .iter()
        .filter_map(|l| l.as_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The page's cookies, as `document.cookie` gives them.
#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
fn cookies() -> String {
    js_sys::Reflect::get(&document(), &wasm_bindgen::JsValue::from_str("cookie"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Remembers `locale` for the next visit: the citizens' apps in a cookie the server reads
/// too (so the pages it renders come in that language), the staff's apps on the device.
fn remember(locale: Locale) {
    #[cfg(not(feature = "backoffice"))]
    {
        let secure = window().location().protocol().as_deref() == Ok("https:");
        let cookie = nafitha_domain::locale::language_cookie(locale, secure);
        let _ = js_sys::Reflect::set(
            &document(),
            &wasm_bindgen::JsValue::from_str("cookie"),
            &wasm_bindgen::JsValue::from_str(&cookie),
        );
    }
    #[cfg(feature = "backoffice")]
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LOCALE_KEY, locale.tag());
    }
}

/// The language a staff's app opens in: the one its device remembers, Arabic otherwise
/// (the desk's budget has no room for the citizens' rule).
#[cfg(feature = "backoffice")]
pub fn remembered_locale() -> Locale {
    local_storage()
        .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// Starts in `initial`, applies it to `<html lang dir>` before anything is drawn, and keeps
/// both in step with every change (in the browser: effects do not run on the server). A
/// language is remembered when the user switches, or at once when `remember_now` (a link
/// asked for it); the browser's preference is not, so it is followed again next time.
pub fn provide_locale(initial: Locale, remember_now: bool) -> LocaleContext {
    let context = LocaleContext {
        locale: RwSignal::new(initial),
    };
    Effect::new(move |before: Option<()>| {
        let locale = context.locale.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.tag());
            let _ = html.set_attribute("dir", locale.dir());
        }
        if before.is_some() || remember_now {
            remember(locale);
        }
    });
    #[cfg(target_family = "wasm")]
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", initial.tag());
        let _ = html.set_attribute("dir", initial.dir());
    }
    provide_context(context);
    context
}

pub fn use_locale() -> LocaleContext {
    expect_context::<LocaleContext>()
}

/// A polite live region that tells screen-reader users what changed (a new page, a
/// number of search results). `navigated` is false until the first page has been shown,
/// so the first page load does not move focus.
#[derive(Clone, Copy)]
pub struct AnnouncerContext {
    pub message: RwSignal<String>,
    pub navigated: StoredValue<bool>,
}

impl AnnouncerContext {
    /// Announces `message`, even when it equals the previous one.
    pub fn announce(&self, message: String) {
        self.message.set(String::new());
        let signal = self.message;
        request_animation_frame(move || signal.set(message));
    }
}

pub fn provide_announcer() -> AnnouncerContext {
    let context = AnnouncerContext {
        message: RwSignal::new(String::new()),
        navigated: StoredValue::new(false),
    };
    provide_context(context);
    context
}

pub fn use_announcer() -> AnnouncerContext {
    expect_context::<AnnouncerContext>()
}
