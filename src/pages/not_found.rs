//! The page for any path the router does not know.

use leptos::prelude::*;

use crate::components::PageHeading;
use crate::i18n::tr;
use crate::state::use_locale;

#[component]
pub fn NotFoundPage() -> AnyView {
    let locale = use_locale();
    #[cfg(server)]
    crate::ssr::not_found();
    let heading = Signal::derive(move || locale.texts().not_found_title.to_owned());
    view! {
        <PageHeading text=heading/>
        <p>{tr(|t| t.not_found_body)}</p>
        <p><a href="/">{tr(|t| t.citizen.go_home)}</a></p>
    }
    .into_any()
}
