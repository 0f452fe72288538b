//! Small marks and states the screens share: "loading", a notice, the due-date tags, a
//! list of downloadable files, and a loaded answer shown (or why not).

use leptos::prelude::*;
use nafitha_domain::Locale;

use super::super::use_staff;
use crate::api::{ApiError, Loaded as Answer};
use crate::components::LoadError;
use crate::i18n::{texts, tr, Texts};
use crate::state::use_locale;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }
}

/// A notice that something is not there (`role="alert"`), with a way back to the queue.
#[component]
pub fn Notice(text: fn(&'static Texts) -> &'static str) -> impl IntoView {
    view! {
        <p class="notice" role="alert">
            {tr(text)} " " <a href="/staff">{tr(|t| t.staff.back_to_queue)}</a>
        </p>
    }
}

/// "Overdue" and "Due soon", after a due date.
pub fn deadline_tags(overdue: bool, due_soon: bool, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    view! {
        {overdue.then(|| view! { " " <strong class="tag tag-warning">{t.overdue}</strong> })}
        {due_soon.then(|| view! { " " <strong class="tag">{t.due_soon}</strong> })}
    }
}

/// What `answer` holds, shown by `show` once loaded: meanwhile "loading"; a 404 as
/// `missing` says; an ended session back to sign-in; any other failure with a retry.
pub fn loaded<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    answer: Answer<T>,
    missing: fn(&'static Texts) -> &'static str,
    show: impl Fn(&T, Locale) -> V + Send + Sync + 'static,
) -> impl Fn() -> AnyView + Send + Sync + 'static {
    let locale = use_locale();
    let staff = use_staff();
    Effect::new(move |_| {
        answer.with(|a| {
            if let Some(Err(e)) = a {
                staff.signed_out_by(e);
            }
        })
    });
    let retry = Callback::new(move |()| answer.refetch());
    move || {
        let l = locale.locale.get();
        answer.with(|a| match a {
            Some(Ok(value)) => show(value, l).into_any(),
            None => not_loaded(None, missing, retry),
            Some(Err(e)) => not_loaded(Some(e), missing, retry),
        })
    }
}

/// What `loaded` shows until there is something to show (the same whatever is loaded, so
/// the WASM carries it once): "loading" while `error` is `None`.
fn not_loaded(
    error: Option<&ApiError>,
    missing: fn(&'static Texts) -> &'static str,
    retry: Callback<()>,
) -> AnyView {
    match error {
        None => view! { <Loading/> }.into_any(),
        Some(ApiError::NotFound) => view! { <Notice text=missing/> }.into_any(),
        Some(e) if e.needs_sign_in() => ().into_any(),
        Some(e) => {
            let error = e.clone();
            view! { <LoadError error on_retry=retry/> }.into_any()
        }
    }
}

/// A table of the back office in a box that scrolls sideways on a narrow screen (a
/// focusable region named by the caption): the caption (its id `id`), a heading row of
/// `heads` and `rows`.
pub fn desk_table(
    id: &'static str,
    caption: &'static str,
    heads: &[&'static str],
    rows: impl IntoView,
) -> impl IntoView {
    let heads = heads
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby=id tabindex="0">
            <table>
                <caption id=id>{caption}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A secret the server made (a first password, an API key), shown this once: `lead` and
/// whose it is, the secret, and what to do with it.
pub fn shown_once(
    lead: &'static str,
    whose: String,
    secret: String,
    note: &'static str,
) -> impl IntoView {
    view! {
        <div class="panel" role="status">
            <p>{lead} " " <bdi dir="ltr">{whose}</bdi>":"</p>
            <p class="panel-reference" dir="ltr"><code>{secret}</code></p>
            <p>{note}</p>
        </div>
    }
}
