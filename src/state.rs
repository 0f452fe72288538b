//! App-wide contexts: the chosen language and the screen-reader announcer; and what an
//! app starts from ([`Boot`]: the address and the language).
//!
//! Each context is a small `Copy` struct made by its `provide_*` function at the root and
//! read with `use_*` anywhere below it.

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::{texts, Texts};

const LOCALE_KEY: &str = "nafitha.locale";

/// Where a citizens' app starts and in which language: in the browser its address and the
/// language the device remembers ([`Boot::from_browser`]); on the server the request's
/// (`ssr::render`). The app reads nothing else from its surroundings while it builds its
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
}

#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
impl Boot {
    /// The browser's address and the remembered language (Arabic when none is).
    pub fn from_browser() -> Boot {
        let address = window().location();
        Boot {
            path: address.pathname().unwrap_or_else(|_| "/".into()),
            search: address.search().unwrap_or_default(),
            locale: remembered_locale(),
        }
    }
}

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

/// The language the device remembers, if any; Arabic otherwise.
#[cfg(not(server))]
pub fn remembered_locale() -> Locale {
    local_storage()
        .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// Starts in `initial` and keeps `<html lang dir>` and the device's memory in step with
/// every change (in the browser: effects do not run on the server).
pub fn provide_locale(initial: Locale) -> LocaleContext {
    let context = LocaleContext {
        locale: RwSignal::new(initial),
    };
    Effect::new(move |_| {
        let locale = context.locale.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.tag());
            let _ = html.set_attribute("dir", locale.dir());
        }
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(LOCALE_KEY, locale.tag());
        }
    });
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
