//! The page for any path the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::PageHeading;
use crate::state::use_locale;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let locale = use_locale();
    let heading = Signal::derive(move || locale.texts().not_found_title.to_owned());
    view! {
        <PageHeading text=heading/>
        <p>{move || locale.texts().not_found_body}</p>
        <p><A href="/">{move || locale.texts().go_home}</A></p>
    }
}
