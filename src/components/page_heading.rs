//! The page's `<h1>`: sets the document title, and after a route change takes focus and
//! announces the new title, so keyboard and screen-reader users land at the top of the
//! new page and hear where they are.

use leptos::html::H1;
use leptos::prelude::*;

use crate::state::{use_announcer, use_locale};

/// The heading of a page. Render it immediately (not inside a `Suspense`), so focus has
/// somewhere to go while the rest of the page loads.
#[component]
pub fn PageHeading(
    /// The heading text; the document title is this followed by the portal's name.
    #[prop(into)]
    text: Signal<String>,
    /// True while the heading still shows a placeholder; the announcement waits for the
    /// real title.
    #[prop(optional, into)]
    loading: Signal<bool>,
    /// True while the page shows errors: the document title then starts with "Error:".
    #[prop(optional, into)]
    error: Signal<bool>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let heading = NodeRef::<H1>::new();
    let title = Memo::new(move |_| {
        let t = locale.texts();
        let prefix = if error.get() { t.error_prefix } else { "" };
        format!("{prefix}{} - {}", text.get(), t.app_name)
    });

    Effect::new(move |_| document().set_title(&title.get()));
    #[cfg(server)]
    crate::ssr::set_title(title.get_untracked());

    // Focus once, as soon as the heading is in the page (not on the very first page load:
    // the browser's own start is where users expect to be).
    let arrived_by_navigation = StoredValue::new(false);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(h1) = heading.get() else {
            return false;
        };
        if announcer.navigated.get_value() {
            arrived_by_navigation.set_value(true);
            let _ = h1.focus();
        }
        announcer.navigated.set_value(true);
        true
    });

    // Announce once, when the real title is known.
    Effect::new(move |announced: Option<bool>| {
        if announced == Some(true) || heading.get().is_none() || loading.get() {
            return announced.unwrap_or(false);
        }
        if arrived_by_navigation.get_value() {
            announcer.announce(title.get_untracked());
        }
        true
    });

    view! {
        <h1 node_ref=heading tabindex="-1">{text}</h1>
    }
}
