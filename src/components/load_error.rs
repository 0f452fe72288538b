//! What a page shows when its data could not be loaded: the reason, and a way to retry.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::tr;
use crate::state::use_locale;

#[component]
pub fn LoadError(
    /// What went wrong.
    error: ApiError,
    /// Called when the user asks to try again.
    on_retry: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="notice notice-error" role="alert">
            <p>{move || error.message(locale.locale.get())}</p>
            <button type="button" class="button button-secondary" on:click=move |_| on_retry.run(())>
                {tr(|t| t.try_again)}
            </button>
        </div>
    }
}
