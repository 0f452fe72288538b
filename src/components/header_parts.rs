//! What the citizens' header and the back office's share: the skip link, the portal's
//! name, and the language switch (it names the other language, in that language).

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::{tr, Texts};
use crate::state::use_locale;

/// The switch to the other language. In the citizens' apps it is a link to the same
/// page with `?lang=` (so it works without JavaScript: the server renders the page in
/// that language and remembers it); with JavaScript the app switches in place. The
/// staff's apps always run, so theirs is a button.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let switch = move || {
        locale.locale.update(|l| {
            *l = match l {
                Locale::Ar => Locale::En,
                Locale::En => Locale::Ar,
            }
        })
    };
    let label = move || {
        view! {
            <span class="visually-hidden" lang=move || locale.locale.get().tag()>
                {tr(|t| t.switch_language_label)} ": "
            </span>
            {tr(|t| t.other_language_name)}
        }
    };
    #[cfg(not(feature = "backoffice"))]
    {
        let location = crate::router::use_location();
        let other = tr(|t| t.other_language_tag);
        // Only a query, so the link stays on this page whatever its path (`//host/x` is a
        // path too).
        let href = move || {
            let other = other();
            location.search.with(|search| {
                let mut pairs = crate::state::pairs_but_lang(search);
                let lang = format!("lang={other}");
                pairs.push(&lang);
                format!("?{}", pairs.join("&"))
            })
        };
        // `target="_self"` keeps the router off it: the click switches in place.
        view! {
            <a
                href=href
                target="_self"
                class="language-switch"
                hreflang=other
                lang=other
                on:click=move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    crate::state::forget_asked_language();
                    switch();
                }
            >
                {label}
            </a>
        }
    }
    #[cfg(feature = "backoffice")]
    view! {
        <button
            type="button"
            class="language-switch"
            lang=tr(|t| t.other_language_tag)
            on:click=move |_| switch()
        >
            {label}
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
