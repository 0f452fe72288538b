//! App-wide contexts: the chosen language and the screen-reader announcer.
//!
//! Each context is a small `Copy` struct made by its `provide_*` function at the root and
//! read with `use_*` anywhere below it.

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::{texts, Texts};

const LOCALE_KEY: &str = "nafitha.locale";

/// The language the user chose: Arabic by default, remembered on the device.
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

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The pairs of the address's query, as written.
#[cfg(not(feature = "backoffice"))]
fn query_pairs() -> Vec<String> {
    let search = window().location().search().unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `lang` in the address's query (`?lang=en` in a link from an SMS, say).
#[cfg(not(feature = "backoffice"))]
fn asked_in_address() -> Option<String> {
    let search = window().location().search().ok()?;
    crate::router::query_value(&search, "lang")
}

/// Drops `lang` from the address (in place, no new history entry): once the user switches
/// language, a reload keeps their choice rather than the link's.
#[cfg(not(feature = "backoffice"))]
pub fn forget_asked_language() {
    let pairs = query_pairs();
    if !pairs.iter().any(|pair| pair.starts_with("lang=")) {
        return;
    }
    let kept: Vec<String> = pairs
        .into_iter()
        .filter(|pair| !pair.starts_with("lang="))
        .collect();
    let location = window().location();
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
#[cfg(not(feature = "backoffice"))]
fn browser_languages() -> String {
    let languages = window().navigator().languages();
    languages
        .iter()
        .filter_map(|l| l.as_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Chooses the language to open in, applies it to `<html lang dir>` before anything is
/// drawn, and keeps both in step with every change. The citizens' apps follow
/// `Locale::choose` (the address, then the device's memory, then the browser); the staff's
/// apps, on shared desks, their memory alone (and the desk's budget has no room for the
/// rest). A language is remembered when the user switches, or when a link asked for it;
/// the browser's preference is not, so it is followed again next time.
pub fn provide_locale() -> LocaleContext {
    let remembered = local_storage().and_then(|s| s.get_item(LOCALE_KEY).ok().flatten());
    #[cfg(not(feature = "backoffice"))]
    let asked = asked_in_address();
    #[cfg(not(feature = "backoffice"))]
    let initial = Locale::choose(
        asked.as_deref(),
        remembered.as_deref(),
        &browser_languages(),
    );
    #[cfg(feature = "backoffice")]
    let (asked, initial) = (
        None::<String>,
        remembered
            .as_deref()
            .and_then(Locale::from_tag)
            .unwrap_or_default(),
    );
    let context = LocaleContext {
        locale: RwSignal::new(initial),
    };
    let remember = asked.as_deref().and_then(Locale::from_tag).is_some();
    Effect::new(move |before: Option<()>| {
        let locale = context.locale.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.tag());
            let _ = html.set_attribute("dir", locale.dir());
        }
        if before.is_some() || remember {
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(LOCALE_KEY, locale.tag());
            }
        }
    });
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
