//! The public pages as HTML, rendered on the host from the very components the browser
//! apps run (decision 0018): the server sends this first, with the API's answers it used
//! in the page, and the app takes over.
//!
//! [`render`] picks the app by the address (`nafitha_domain::apps::in_records_app`, the
//! rule the server already serves the apps by), builds it at that address and in that
//! language with the answers given, and renders it once, synchronously: the public pages
//! have no `Suspense` and no effect runs on the server, so what a page shows is what its
//! signals hold when it is built. A `load` whose answer was not given is listed in
//! [`Rendered::wanted`] (and shows "Loading…"), so the caller can fetch it and render
//! again.
//!
//! Nothing here reaches the browser's APIs; a component that did while building its view
//! would panic here, and the tests below would show it.

use std::sync::{Arc, Mutex, PoisonError};

use leptos::prelude::*;

pub use crate::api::Preload;
/// How the apps read a query (`?lang=` on the server too).
pub use crate::router::query_value;
use crate::api::Preloaded;
use crate::Boot;

/// A page rendered on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// What goes inside `<body>`: the app's frame and the page.
    pub body: String,
    /// The document's title, as the page's heading sets it in the browser (empty when the
    /// page has no heading).
    pub title: String,
    /// The HTTP status: 404 for an address no page shows or a service that does not
    /// exist, 200 otherwise.
    pub status: u16,
    /// The API paths the page loads whose answers were not given, in the order asked.
    pub wanted: Vec<String>,
}

/// What the page being rendered tells the server beside its HTML.
#[derive(Clone, Default)]
struct ServerPage(Arc<Mutex<PageFacts>>);

#[derive(Default)]
struct PageFacts {
    title: String,
    not_found: bool,
}

fn with_page(f: impl FnOnce(&mut PageFacts)) {
    if let Some(page) = use_context::<ServerPage>() {
        f(&mut page.0.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Sets the document's title (the page's heading does, `PageHeading`).
pub(crate) fn set_title(title: String) {
    with_page(|page| page.title = title);
}

/// Marks the page as "not found" (the status 404): an address no page shows, or a thing
/// the address names that does not exist.
pub(crate) fn not_found() {
    with_page(|page| page.not_found = true);
}

/// Renders the page at `boot`'s address in `boot`'s language, with `answers` as the API's
/// answers it may load (each taken by the first load of its path).
pub fn render(boot: Boot, answers: Vec<Preload>) -> Rendered {
    let records = nafitha_domain::apps::in_records_app(&boot.path);
    let preloaded = Preloaded::new(answers);
    let page = ServerPage::default();
    let body = alone(|| {
        provide_context(preloaded.clone());
        provide_context(page.clone());
        if records {
            view! { <crate::records::RecordsApp boot/> }.to_html()
        } else {
            view! { <crate::app::App boot/> }.to_html()
        }
    });
    let facts = std::mem::take(&mut *page.0.lock().unwrap_or_else(PoisonError::into_inner));
    Rendered {
        body,
        title: facts.title,
        status: if facts.not_found { 404 } else { 200 },
        wanted: preloaded.wanted(),
    }
}

/// Renders what `render` builds under an owner of its own, freed as soon as it is done
/// (rather than with the thread).
fn alone(render: impl FnOnce() -> String) -> String {
    let owner = Owner::new();
    let html = owner.with(render);
    owner.unset_with_forced_cleanup();
    html
}

pub mod needs_script;

#[cfg(test)]
mod tests;
