//! The header on every citizens' page: skip link, the portal's name, the language switch,
//! and the citizens' links.

use leptos::prelude::*;

use crate::components::{Brand, LanguageSwitch, SkipLink};
use crate::i18n::tr;

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
            </div>
        </nav>
    }
}
