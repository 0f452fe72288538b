//! Client-side navigation: the address as two signals (path and query), links followed
//! without a page load, and the back and forward buttons.
//!
//! The citizens' app uses this instead of leptos_router (docs/decisions/0002, which has
//! the measured cost): it has one flat set of pages chosen by a `match` on the path
//! (`app::Pages`), so of a router it needs only history, link clicks and the query string.
//! The back office, with its own budget, uses leptos_router.
//!
//! The address starts from the app's [`crate::Boot`] ([`provide_location`], the same on
//! the server and in the browser); only in the browser does [`follow_browser`] then keep
//! it in step with history and clicks.

use leptos::prelude::*;
#[cfg(target_family = "wasm")]
use wasm_bindgen::closure::Closure;
#[cfg(target_family = "wasm")]
use wasm_bindgen::JsCast;

/// Where the app is: `path` as `/services/x`, `search` as `?q=y` (or empty).
#[derive(Clone, Copy)]
pub struct Location {
    pub path: RwSignal<String>,
    pub search: RwSignal<String>,
}

impl Location {
    /// The value of `key` in the query string, decoded (tracked).
    pub fn query(&self, key: &str) -> Option<String> {
        self.search.with(|search| query_value(search, key))
    }
}

/// The value of `key` in a query string (`?a=1&b=2`), decoded.
pub fn query_value(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| {
            crate::url::decode_component(&v.replace('+', " ")).unwrap_or_default()
        })
}

fn read_address(location: &Location) {
    let address = window().location();
    location
        .path
        .set(address.pathname().unwrap_or_else(|_| "/".into()));
    location.search.set(address.search().unwrap_or_default());
}

/// Provides [`Location`] at `path` and `search` (the app's start).
pub fn provide_location(path: String, search: String) {
    provide_context(Location {
        path: RwSignal::new(path),
        search: RwSignal::new(search),
    });
}

/// Starts following the browser's address (the provided [`Location`]): takes over clicks
/// on same-site links, and follows the back and forward buttons.
#[cfg(target_family = "wasm")]
pub fn follow_browser() {
    let location = use_location();
    CURRENT.with(|c| c.set(Some(location)));

    let on_pop = Closure::<dyn Fn()>::new(move || read_address(&location));
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();

    // On the window, so handlers on the page (which may prevent the default) run first.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if link.has_attribute("download")
            || link.get_attribute("target").is_some_and(|t| t != "_self")
            || link
                .get_attribute("rel")
                .is_some_and(|r| r.contains("external"))
        {
            return;
        }
        let link: web_sys::HtmlAnchorElement = link.unchecked_into();
        let here = window().location();
        if link.origin() != here.origin().unwrap_or_default() {
            return;
        }
        let (path, search, hash) = (link.pathname(), link.search(), link.hash());
        if !is_ours(&path) {
            return;
        }
        // A link to a spot on this same page is the browser's to follow.
        if !hash.is_empty()
            && path == here.pathname().unwrap_or_default()
            && search == here.search().unwrap_or_default()
        {
            return;
        }
        ev.prevent_default();
        navigate(&format!("{path}{search}{hash}"), false);
    });
    let _ = window().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// Whether this app shows `path` (which may carry a query): the back office (`/staff`,
/// docs/decisions/0004) and the records app (decision 0014) are apps of their own, so a
/// link from one app to another is followed by the browser.
pub fn is_ours(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let records = nafitha_domain::apps::in_records_app(path);
    if cfg!(feature = "records") {
        records
    } else {
        !(records || path == "/staff" || path.starts_with("/staff/"))
    }
}

thread_local! {
    /// The app's one location, for navigations that start outside any component (after
    /// an awaited request, say).
    static CURRENT: std::cell::Cell<Option<Location>> = const { std::cell::Cell::new(None) };
}

/// The current [`Location`].
pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// Goes to `to` (a path with an optional query): a new history entry at the top of the
/// page, or, with `replace`, the current entry rewritten where the reader is (a search box
/// keeping its query in the address).
pub fn navigate(to: &str, replace: bool) {
    if !is_ours(to) {
        let _ = window().location().assign(to);
        return;
    }
    let Ok(history) = window().history() else {
        return;
    };
    let done = if replace {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to))
    } else {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to))
    };
    if done.is_err() {
        return;
    }
    if let Some(location) = CURRENT.with(std::cell::Cell::get) {
        read_address(&location);
    }
    if !replace {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}
