//! The header on every page: skip link, the portal's name, the language switch.

use leptos::prelude::*;
use leptos_router::components::A;
use nafitha_domain::Locale;

use crate::state::use_locale;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.texts();
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
        <a class="skip-link" href="#main" on:click=skip>{move || t().skip_to_content}</a>
        <header class="site-header">
            <div class="container site-header-inner">
                <A href="/" attr:class="brand">
                    <img src="/icons/icon.svg" alt="" width="32" height="32"/>
                    <span class="brand-name">{move || t().app_name}</span>
                </A>
                <button
                    type="button"
                    class="language-switch"
                    lang=move || t().other_language_tag
                    on:click=switch
                >
                    <span class="visually-hidden" lang=move || locale.locale.get().tag()>
                        {move || t().switch_language_label} ": "
                    </span>
                    {move || t().other_language_name}
                </button>
            </div>
        </header>
        <nav class="site-nav" aria-label=move || t().nav_track>
            <div class="container">
                <A href="/track">{move || t().nav_track}</A>
            </div>
        </nav>
    }
}
