//! `/track?ref=…`: anyone with a reference number sees where the request stands: its
//! stage, the department handling it, the dates and the public timeline. The reference is
//! in the address, so the page can be bookmarked and shared.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::filing::TrackedRequest;
use nafitha_domain::{Locale, ReferenceNumber};

use crate::api::{self, ApiError};
use crate::components::error_summary::input_id;
use crate::components::{ErrorSummary, LoadError, PageHeading};
use crate::dates::{format_day, format_moment};
use crate::state::use_locale;

/// The facts of a tracked request, shared by the tracking and confirmation pages.
pub fn request_facts(request: &TrackedRequest, locale: Locale) -> impl IntoView {
    let t = crate::i18n::texts(locale);
    let overdue = request
        .overdue
        .then(|| view! { " " <strong class="tag tag-warning">{t.overdue}</strong> });
    view! {
        <dl class="facts">
            <div><dt>{t.reference_label}</dt><dd dir="ltr" class="reference">{request.reference.grouped()}</dd></div>
            <div><dt>{t.status_label}</dt><dd><strong class="tag">{request.status.label(locale)}</strong></dd></div>
            <div><dt>{t.service_label}</dt><dd>{request.service.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.agency}</dt><dd>{request.agency.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.department}</dt><dd>{request.department.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.submitted_on}</dt><dd>{format_moment(&request.submitted_at, locale)}</dd></div>
            <div><dt>{t.expected_by}</dt><dd>{format_day(request.due_on, locale)}{overdue}</dd></div>
        </dl>
    }
}

fn timeline_view(request: &TrackedRequest, locale: Locale) -> impl IntoView {
    let t = crate::i18n::texts(locale);
    let entries = request
        .timeline
        .iter()
        .rev()
        .map(|e| {
            view! {
                <li>
                    <strong>{e.status.label(locale)}</strong>
                    <span class="timeline-meta">{e.department.name.get(locale).to_owned()} " · " {format_moment(&e.at, locale)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t.timeline_title}</h2>
        <ol class="timeline">{entries}</ol>
    }
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let navigate = use_navigate();
    let reference = Memo::new(move |_| {
        query
            .read()
            .get("ref")
            .and_then(|r| ReferenceNumber::parse(&r).ok())
    });
    let typed = RwSignal::new(query.get_untracked().get("ref").unwrap_or_default());
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let found = LocalResource::new(move || {
        let reference = reference.get();
        let lang = locale.locale.get_untracked();
        async move {
            match reference {
                Some(r) => Some(api::track_request(&r, lang).await),
                None => None,
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match ReferenceNumber::parse(&typed.get_untracked()) {
            Ok(r) => {
                errors.set(Vec::new());
                navigate(&format!("/track?ref={r}"), Default::default());
            }
            Err(e) => errors.set(vec![InvalidAnswer {
                field: "reference".into(),
                message: e.message(),
            }]),
        }
    };
    let id = input_id("reference");
    let error = move || {
        errors.with(|e| {
            e.first()
                .map(|p| p.message.get(locale.locale.get()).to_owned())
        })
    };
    let has_errors = Signal::derive(move || !errors.read().is_empty());
    view! {
        <PageHeading text=Signal::derive(move || locale.texts().track_title.to_owned()) error=has_errors/>
        <ErrorSummary errors=errors/>
        <form class="track-form" novalidate on:submit=submit>
            <div class=move || if has_errors.get() { "form-group form-group-error" } else { "form-group" }>
                <label class="label" for=id.clone()>{move || locale.texts().reference_label}</label>
                <p class="hint" id="reference-hint">{move || locale.texts().reference_hint}</p>
                {move || error().map(|message| view! {
                    <p class="field-error" id="reference-error">
                        <span class="visually-hidden">{locale.texts().error_prefix}</span>{message}
                    </p>
                })}
                <input id=id class="input input-reference" type="text" inputmode="numeric" autocomplete="off" dir="ltr"
                    aria-describedby=move || if has_errors.get() { "reference-hint reference-error" } else { "reference-hint" }
                    aria-invalid=move || has_errors.get().then_some("true")
                    prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="button">{move || locale.texts().find}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading" role="status">{locale.texts().loading}</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    None => EitherOf3::A(()),
                    Some(Ok(request)) => EitherOf3::B(move || {
                        let l = locale.locale.get();
                        view! { <section class="result" aria-live="polite">{request_facts(&request, l)}{timeline_view(&request, l)}</section> }
                    }),
                    Some(Err(ApiError::NotFound)) => EitherOf3::C(Either::Left(view! {
                        <p class="notice" role="alert">{move || locale.texts().request_not_found}</p>
                    })),
                    Some(Err(error)) => EitherOf3::C(Either::Right(view! {
                        <LoadError error on_retry=Callback::new(move |()| found.refetch())/>
                    })),
                }
            })}
        </Suspense>
    }
}
