//! The frame of every citizens' page (the citizens' app and the records app): the header
//! (skip link, the portal's name, the language switch, the citizens' links), the page in
//! `<main>`, the footer, and the region where changes are announced to screen readers.

use leptos::prelude::*;

use crate::components::{Brand, LanguageSwitch, SkipLink};
use crate::i18n::tr;
use crate::router::provide_location;
use crate::state::{provide_announcer, provide_locale};
use crate::Boot;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <SkipLink/>
        <header class="site-header">
            <div class="container site-header-inner">
                <Brand href="/"/>
                <LanguageSwitch/>
            </div>
        </header>
        <nav class="site-nav" aria-label=tr(|t| t.citizen.nav_label)>
            <div class="container">
                <a href="/track">{tr(|t| t.citizen.nav_track)}</a>
                <a href="/requests">{tr(|t| t.citizen.nav_my_requests)}</a>
                <a href="/licences">{tr(|t| t.citizen.nav_licences)}</a>
            </div>
        </nav>
    }
}

/// Provides the language, the announcer and the address (from `boot`; in the browser the
/// router then follows it), starts the on-device queue of filings (its news above the
/// page), then frames what `pages` builds (called once they are provided).
pub fn site_frame<V: IntoView + 'static>(boot: Boot, pages: impl FnOnce() -> V) -> impl IntoView {
    provide_locale(boot.locale, boot.asked);
    let announcer = provide_announcer();
    provide_location(boot.path, boot.search);
    #[cfg(target_family = "wasm")]
    crate::router::follow_browser();
    let queued = crate::queue::run_queue();
    let pages = pages();
    view! {
        <SiteHeader/>
        <main id="main" class="container" tabindex="-1">
            {queued}
            {pages}
        </main>
        <footer class="site-footer">
            <div class="container">
                <p>{tr(|t| t.citizen.tagline)}</p>
                <p>{tr(|t| t.citizen.footer_note)}</p>
                <p>
                    <a href="/performance">{tr(|t| t.citizen.performance_link)}</a>
                </p>
            </div>
        </footer>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || announcer.message.get()}
        </div>
    }
}
