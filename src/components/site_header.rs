//! The header on every citizens' page: skip link, the portal's name, the language switch,
//! and the citizens' links.

use leptos::prelude::*;

use crate::components::{skip_to_main, LanguageSwitch};
use crate::i18n::tr;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main" target="_self" on:click=skip_to_main>{tr(|t| t.skip_to_content)}</a>
        <header class="site-header">
            <div class="container site-header-inner">
                <a href="/" class="brand">
                    <img src="/icons/icon.svg" alt="" width="32" height="32"/>
                    <span class="brand-name">{tr(|t| t.app_name)}</span>
                </a>
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
