//! The back office's fallback: an address it has no screen for.

use leptos::prelude::*;

use super::heading;
use crate::components::PageHeading;
use crate::i18n::tr;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <PageHeading text=heading(|t| t.not_found_title)/>
        <p>{tr(|t| t.not_found_body)}</p>
        <p><a href="/staff">{tr(|t| t.staff.back_to_queue)}</a></p>
    }
}
