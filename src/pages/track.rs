//! `/track?ref=…`: anyone with a reference number sees where the request stands: its
//! stage, the department handling it, the dates and the public timeline. The reference is
//! in the address, so the page can be bookmarked and shared.

use crate::router::use_location;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::filing::TrackedRequest;
use nafitha_domain::{Field, FieldKind, Locale, Localized, ReferenceNumber};

use crate::api::{self, ApiError};
use crate::components::{
    kept_notice, lookup_form, request_facts, timeline_entries, ErrorSummary, LoadError, PageHeading,
};
use crate::i18n::tr;
use crate::state::use_locale;

fn timeline_view(request: &TrackedRequest, locale: Locale) -> impl IntoView {
    let t = crate::i18n::texts(locale);
    let entries = timeline_entries(&request.timeline, locale);
    view! {
        <h2 id="timeline-title">{t.track.timeline_title}</h2>
        <ol class="timeline" aria-labelledby="timeline-title">{entries}</ol>
    }
}

#[component]
pub fn TrackPage() -> AnyView {
    let locale = use_locale();
    let location = use_location();
    let reference = Memo::new(move |_| {
        location
            .query("ref")
            .and_then(|r| ReferenceNumber::parse(&r).ok())
    });
    let typed = RwSignal::new(
        location
            .search
            .with_untracked(|s| crate::router::query_value(s, "ref"))
            .unwrap_or_default(),
    );
    // A reference in the address that does not read (typed without JavaScript, or a
    // mistyped link) is shown as the form would show it.
    let errors = RwSignal::new(
        typed
            .with_untracked(|t| (!t.is_empty()).then(|| ReferenceNumber::parse(t)))
            .and_then(Result::err)
            .map(|e| InvalidAnswer {
                field: "ref".into(),
                message: e.message(),
            })
            .into_iter()
            .collect::<Vec<_>>(),
    );
    let (found, since) = api::track_request(reference);
    let has_errors = Signal::derive(move || !errors.read().is_empty());
    let (ar, en) = (
        crate::i18n::texts(Locale::Ar),
        crate::i18n::texts(Locale::En),
    );
    let field = Field {
        id: "ref".into(),
        label: Localized::new(ar.track.reference_label, en.track.reference_label),
        hint: Some(Localized::new(
            ar.citizen.reference_hint,
            en.citizen.reference_hint,
        )),
        required: true,
        show_if: None,
        kind: FieldKind::Text { max_length: 40 },
    };
    view! {
        <PageHeading text=Signal::derive(move || locale.texts().citizen.track_title.to_owned()) error=has_errors/>
        <ErrorSummary errors=errors/>
        {lookup_form(field, typed, errors, |typed| {
            ReferenceNumber::parse(typed)
                .map(|r| format!("/track?ref={r}"))
                .map_err(|e| e.message())
        }, |t| t.citizen.find, "/track")}
        // Outside the answer, so that trying again keeps the notice and its button's focus.
        {kept_notice(since, Callback::new(move |()| found.refetch()))}
        {move || match found.get() {
            None if reference.with(Option::is_some) => Either::Left(view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }),
            result => Either::Right(match result {
                    None => EitherOf3::A(()),
                    Some(Ok(request)) => EitherOf3::B(move || {
                        let l = locale.locale.get();
                        view! { <section class="result" aria-live="polite">{request_facts(&request, l)}{timeline_view(&request, l)}</section> }
                    }),
                    Some(Err(ApiError::NotFound)) => EitherOf3::C(Either::Left(view! {
                        <p class="notice" role="alert">{tr(|t| t.citizen.request_not_found)}</p>
                    })),
                    Some(Err(error)) => EitherOf3::C(Either::Right(view! {
                        <LoadError error on_retry=Callback::new(move |()| found.refetch())/>
                    })),
            }),
        }}
    }
    .into_any()
}
