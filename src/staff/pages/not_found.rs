//! The back office's fallback (an address it has no screen for), and a screen that is
//! not for the signed-in staff member's role.

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

/// A screen of another role (reached by typing its address).
#[component]
pub fn NotYoursPage() -> impl IntoView {
    view! {
        <PageHeading text=heading(|t| t.staff.not_allowed)/>
        <p><a href="/staff">{tr(|t| t.staff.back_to_queue)}</a></p>
    }
}
