//! The language switch (it names the other language, in that language) and the skip link's
//! handler, shared by the citizens' header and the back office's.

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::i18n::tr;
use crate::state::use_locale;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let switch = move |_| {
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

/// The skip link's click: focus moves to `<main>` by hand (a router would take `#main` for
/// a navigation; the link also carries `target="_self"` so that none does).
pub fn skip_to_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    if let Some(main) = document().get_element_by_id("main") {
        let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&main).focus();
    }
}
