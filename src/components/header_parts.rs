//! What the citizens' header and the back office's share: the skip link, the portal's
//! name, and the language switch (it names the other language, in that language).

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::{tr, Texts};
use crate::state::use_locale;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let switch = move |_| {
        #[cfg(not(feature = "backoffice"))]
        crate::state::forget_asked_language();
        locale.locale.update(|l| {
            *l = match l {
                Locale::Ar => Locale::En,
                Locale::En => Locale::Ar,
            }
        })
    };
    view! {
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
    }
}

/// The first thing on the page: a link that moves focus to `<main>` by hand (a router
/// would take `#main` for a navigation; `target="_self"` keeps them off it).
#[component]
pub fn SkipLink() -> impl IntoView {
    let skip = |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(main) = document().get_element_by_id("main") {
            let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&main).focus();
        }
    };
    view! {
        <a class="skip-link" href="#main" target="_self" on:click=skip>{tr(|t| t.skip_to_content)}</a>
    }
}

/// The portal's name and logo, a link to `href`, with the part of the portal after it
/// (the back office says so).
#[component]
pub fn Brand(
    href: &'static str,
    #[prop(optional)] part: Option<fn(&'static Texts) -> &'static str>,
) -> impl IntoView {
    view! {
        <a href=href class="brand">
            <img src="/icons/icon.svg" alt="" width="32" height="32"/>
            <span class="brand-name">{tr(|t| t.app_name)}</span>
            {part.map(|part| view! { <span class="brand-part">{tr(part)}</span> })}
        </a>
    }
}
