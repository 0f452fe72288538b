//! `/requests`: every request filed with the signed-in mobile number, newest first, with
//! its stage and expected date. Not signed in: a way to sign in and come back here.

use leptos::prelude::*;
use nafitha_domain::account::MyRequest;
use nafitha_domain::Locale;

use crate::api;
use crate::components::{LoadError, PageHeading};
use crate::dates::{format_day, format_moment};
use crate::i18n::{texts, tr};
use crate::state::use_locale;

/// What to show when a page needs a signed-in citizen: a link that signs in and comes
/// back to `here`.
pub fn sign_in_prompt(here: String) -> AnyView {
    let href = format!(
        "/sign-in?next={}",
        crate::url::encode_component(&here)
    );
    view! {
        <p class="notice">{tr(|t| t.citizen.sign_in_needed)}</p>
        <a class="button" href=href>{tr(|t| t.citizen.sign_in)}</a>
    }
    .into_any()
}

fn request_row(r: MyRequest, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    let overdue = r
        .overdue
        .then(|| view! { " " <strong class="tag tag-warning">{t.track.overdue}</strong> });
    view! {
        <li class="request-item">
            <a href=format!("/requests/{}", r.reference)>{r.service.name.get(locale).to_owned()}</a>
            " " <strong class="tag">{r.status.label(locale)}</strong>{overdue}
            <dl class="facts facts-compact">
                <div><dt>{t.track.reference_label}</dt><dd dir="ltr" class="reference">{r.reference.grouped()}</dd></div>
                <div><dt>{t.track.submitted_on}</dt><dd>{format_moment(&r.submitted_at, locale)}</dd></div>
                <div><dt>{t.track.expected_by}</dt><dd>{format_day(r.due_on, locale)}</dd></div>
            </dl>
        </li>
    }
}

#[component]
pub fn MyRequestsPage() -> AnyView {
    let locale = use_locale();
    let mine = api::list_my_requests();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api::sign_out(locale.locale.get_untracked()).await;
            crate::router::navigate("/", false);
        });
    };
    view! {
        <PageHeading text=Signal::derive(move || locale.texts().citizen.my_requests_title.to_owned())/>
        {move || match mine.get() {
            None => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            Some(Err(error)) if error.needs_sign_in() => sign_in_prompt("/requests".into()),
            Some(Err(error)) => view! { <LoadError error on_retry=Callback::new(move |()| mine.refetch())/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <p>{tr(|t| t.citizen.no_requests)}</p>
                <button type="button" class="link-button" on:click=sign_out>{tr(|t| t.citizen.sign_out)}</button>
            }
            .into_any(),
            Some(Ok(list)) => {
                let l = locale.locale.get();
                let rows = list.into_iter().map(|r| request_row(r, l)).collect_view();
                view! {
                    <ul class="request-list">{rows}</ul>
                    <button type="button" class="link-button" on:click=sign_out>{tr(|t| t.citizen.sign_out)}</button>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}
