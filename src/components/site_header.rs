//! The header on every page: skip link, the portal's name, the language switch.

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::tr;
use crate::state::use_locale;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let locale = use_locale();
    let switch = move |_| {
        locale.locale.update(|l| {
            *l = match l {
                Locale::Ar => Locale::En,
                Locale::En => Locale::Ar,
            }
        })
    };
    let skip = move |ev: leptos::ev::MouseEvent| {
        // The router would treat `#main` as a navigation; move focus by hand instead.
        ev.prevent_default();
        if let Some(main) = document().get_element_by_id("main") {
            let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&main).focus();
        }
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip>{tr(|t| t.skip_to_content)}</a>
        <header class="site-header">
            <div class="container site-header-inner">
                <a href="/" class="brand">
                    <img src="/icons/icon.svg" alt="" width="32" height="32"/>
                    <span class="brand-name">{tr(|t| t.app_name)}</span>
                </a>
                <button
                    type="button"
                    class="language-switch"
                    lang=tr(|t| t.other_language_tag)
                    on:click=switch
                >
                    <span class="visually-hidden" lang=move || locale.locale.get().tag()>
                        {tr(|t| t.switch_language_label)} ": "
                    </span>
                    {tr(|t| t.other_language_name)}
                </button>
            </div>
        </header>
        <nav class="site-nav" aria-label=tr(|t| t.nav_label)>
            <div class="container">
                <a href="/track">{tr(|t| t.nav_track)}</a>
                <a href="/requests">{tr(|t| t.nav_my_requests)}</a>
            </div>
        </nav>
    }
}
