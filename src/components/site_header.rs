//! The header on every citizens' page (the citizens' app and the records app): skip link,
//! the portal's name, the language switch, and the citizens' links; and the footer, with
//! the region where changes are announced to screen readers.

use leptos::prelude::*;

use crate::components::{Brand, LanguageSwitch, SkipLink};
use crate::i18n::tr;
use crate::state::AnnouncerContext;

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

#[component]
pub fn SiteFooter(announcer: AnnouncerContext) -> impl IntoView {
    view! {
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
