//! Small marks and states the screens share: "loading", a notice, the due-date tags, a
//! list of downloadable files, and a loaded answer shown (or why not).

use leptos::prelude::*;
use nafitha_domain::account::AttachmentInfo;
use nafitha_domain::{Locale, ReferenceNumber};

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

/// Files of a request, each a download link with its type and size.
pub fn file_list(
    reference: &ReferenceNumber,
    files: &[AttachmentInfo],
    l: Locale,
) -> impl IntoView {
    let items = files
        .iter()
        .map(|f| {
            let href = format!("/api/v1/staff/requests/{reference}/attachments/{}", f.id);
            let text = format!(
                "{} ({}, {} KB)",
                texts(l).download,
                f.kind.to_ascii_uppercase(),
                f.size.div_euclid(1024).max(1)
            );
            view! { <li><a href=href download="">{text}</a></li> }
        })
        .collect_view();
    view! { <ul class="file-list">{items}</ul> }
}

/// What `answer` holds, shown by `show` once loaded: meanwhile "loading"; a 404 as
/// `missing` says; an ended session back to sign-in; any other failure with a retry.
pub fn loaded<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    answer: Answer<T>,
    missing: fn(&'static Texts) -> &'static str,
    show: impl Fn(&T, Locale) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    Effect::new(move |_| {
        answer.with(|a| {
            if let Some(Err(e)) = a {
                staff.signed_out_by(e);
            }
        })
    });
    move || {
        let l = locale.locale.get();
        answer.with(|a| match a {
            None => view! { <Loading/> }.into_any(),
            Some(Ok(value)) => show(value, l).into_any(),
            Some(Err(ApiError::NotFound)) => view! { <Notice text=missing/> }.into_any(),
            Some(Err(e)) if e.needs_sign_in() => ().into_any(),
            Some(Err(e)) => {
                let error = e.clone();
                view! { <LoadError error on_retry=Callback::new(move |()| answer.refetch())/> }
                    .into_any()
            }
        })
    }
}
