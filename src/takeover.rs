//! The app taking over a page the server rendered (decision 0018): the server's page is
//! the app's own first view, drawn from the same components and the same answers (which
//! the server wrote into the page), so the app can replace it in one go, before the
//! browser paints again, and the reader sees nothing change.
//!
//! What the reader did meanwhile is carried over: what they typed in a field, the field
//! they were in, and how far they had scrolled. Nothing is fetched again: the answers are
//! handed to `load` ([`Preloaded`]), unless the device is offline (the page is then one
//! the service worker kept, and its answers may be old).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::api::{Preload, Preloaded};

/// What the reader did on the server's page before the app arrived.
pub struct Kept {
    focused: Option<String>,
    typed: Vec<(String, String)>,
    scrolled: f64,
}

/// Takes the server's answers out of the page, notes what the reader did, and empties
/// `<body>` for the app. `None` when the page was not rendered by the server (the
/// app's page as built).
pub fn take_page() -> Option<(Preloaded, Kept)> {
    let document = document();
    let body = document.body()?;
    // A rendered page has a `<main>` (the sign `src/loader.js` reads too).
    body.query_selector("main").ok().flatten()?;
    // Offline, this is a page the device kept: its answers may be old, so the pages load
    // theirs and show, when that fails, the last ones kept with the time they arrived.
    // (The service worker serves a kept page without them, online or not: sw.js.)
    let online = window().navigator().on_line();
    let mut answers = Vec::new();
    while let Some(island) = body.query_selector("script[data-preload]").ok().flatten() {
        answers.push(Preload {
            path: island.get_attribute("data-preload").unwrap_or_default(),
            status: island
                .get_attribute("data-status")
                .and_then(|s| s.parse().ok())
                .unwrap_or(200),
            body: island.text_content().unwrap_or_default(),
        });
        island.remove();
    }
    if !online {
        answers.clear();
    }
    let mut typed = Vec::new();
    if let Ok(fields) = body.query_selector_all("input[id]") {
        for at in 0..fields.length() {
            let Some(field) = fields
                .item(at)
                .and_then(|node| node.dyn_into::<HtmlInputElement>().ok())
            else {
                continue;
            };
            let value = field.value();
            if value != field.default_value() {
                typed.push((field.id(), value));
            }
        }
    }
    let kept = Kept {
        focused: document.active_element().map(|e| e.id()).filter(|id| !id.is_empty()),
        typed,
        scrolled: window().scroll_y().unwrap_or_default(),
    };
    body.set_inner_html("");
    Some((Preloaded::new(answers), kept))
}

/// Gives the reader back, in the app's view, what [`take_page`] noted: each typed value
/// (announced to the app as input, so its signals follow), the focus and the scroll.
pub fn give_back(kept: Kept) {
    let document = document();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    for (id, value) in kept.typed {
        if let Some(field) = document
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            field.set_value(&value);
            if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
                let _ = field.dispatch_event(&event);
            }
        }
    }
    if let Some(element) = kept
        .focused
        .and_then(|id| document.get_element_by_id(&id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = element.focus();
    }
    window().scroll_to_with_x_and_y(0.0, kept.scrolled);
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("data-app", "ready");
    }
}
