//! `/verify` and `/verify/{number}`: anyone (an inspector, a landlord, a customer) checks
//! a licence by its number, typed or read from its QR code: whether it is valid, expired,
//! suspended or revoked, for which activity and agency, from when to when, and its
//! holder's name as the server masks it. The check digit is checked here first, by the
//! same rule as the server's, so a mistyped number is told at once and never looked up.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::licence::{LicenceNumber, LicenceStatus, LicenceVerification};
use nafitha_domain::{Field, FieldKind, Locale, Localized};

use super::{fact, status_tag};
use crate::api::{self, ApiError};
use crate::components::{lookup_form, ErrorSummary, LoadError, PageHeading};
use crate::dates::format_day;
use crate::i18n::{texts, tr};
use crate::state::use_locale;

fn verdict(licence: &LicenceVerification, locale: Locale) -> impl IntoView {
    let t = &texts(locale).licences;
    let suspended = licence
        .suspended_until
        .filter(|_| licence.status == LicenceStatus::Suspended)
        .map(|until| fact(t.suspended_until, format_day(until, locale)));
    view! {
        <section class="result" aria-live="polite" aria-labelledby="verdict">
            <h2 id="verdict">{t.status} ": " {status_tag(licence.status, locale)}</h2>
            <dl class="facts">
                {fact(t.licence_number, view! { <span dir="ltr" class="reference">{licence.number.grouped()}</span> })}
                {suspended}
                {fact(t.activity, licence.activity.get(locale).to_owned())}
                {fact(t.issued_by, licence.agency.name.get(locale).to_owned())}
                {fact(t.holder, licence.holder.clone())}
                {fact(t.issued_on, format_day(licence.issued_on, locale))}
                {fact(t.expires_on, format_day(licence.expires_on, locale))}
            </dl>
        </section>
    }
}

#[component]
pub fn VerifyPage(number: String) -> AnyView {
    let locale = use_locale();
    let parsed = LicenceNumber::parse(&number);
    let errors = RwSignal::new(match (&parsed, number.is_empty()) {
        (Err(e), false) => vec![InvalidAnswer {
            field: "licence".into(),
            message: e.message(),
        }],
        _ => Vec::new(),
    });
    let wanted = {
        let parsed = parsed.ok();
        Memo::new(move |_| parsed.clone())
    };
    let found = api::verify_licence(wanted);
    let typed = RwSignal::new(number);
    let has_errors = Signal::derive(move || !errors.read().is_empty());
    let (ar, en) = (&texts(Locale::Ar).licences, &texts(Locale::En).licences);
    let field = Field {
        id: "licence".into(),
        label: Localized::new(ar.licence_number, en.licence_number),
        hint: Some(Localized::new(ar.verify_hint, en.verify_hint)),
        required: true,
        show_if: None,
        kind: FieldKind::Text { max_length: 40 },
    };
    view! {
        <PageHeading text=Signal::derive(move || locale.texts().licences.verify_title.to_owned()) error=has_errors/>
        <ErrorSummary errors=errors/>
        <p>{tr(|t| t.licences.verify_intro)}</p>
        {lookup_form(field, typed, errors, |typed| {
            LicenceNumber::parse(typed)
                .map(|n| format!("/verify/{n}"))
                .map_err(|e| e.message())
        }, |t| t.licences.check, "/verify")}
        {move || match found.get() {
            None if wanted.with(Option::is_some) => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            None => ().into_any(),
            Some(Ok(licence)) => verdict(&licence, locale.locale.get()).into_any(),
            Some(Err(ApiError::NotFound)) => view! {
                <p class="notice" role="alert">{tr(|t| t.licences.licence_not_found)}</p>
            }
            .into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=Callback::new(move |()| found.refetch())/> }.into_any(),
        }}
    }
    .into_any()
}
