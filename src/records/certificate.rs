//! `/licences/{number}/certificate`: the licence as a certificate to print on A4, in
//! Arabic and English side by side whatever the page's language, with the QR code of its
//! public check (drawn by the server as SVG). Everything around it (header, links, the
//! print button) is left off the paper by the print stylesheet.

use leptos::prelude::*;
use nafitha_domain::licence::Licence;
use nafitha_domain::{Locale, Localized};

use super::number_in_address;
use crate::api::{self, ApiError};
use crate::components::{LoadError, PageHeading};
use crate::dates::format_date;
use crate::i18n::{texts, tr, HolderTexts};
use crate::pages::sign_in_prompt;
use crate::state::use_locale;

/// A row of the certificate: the term in both languages, then the value (in both
/// languages when it has two).
fn row(term: fn(&HolderTexts) -> &'static str, value: impl IntoView) -> impl IntoView {
    let (ar, en) = (&texts(Locale::Ar).licences, &texts(Locale::En).licences);
    view! {
        <div>
            <dt><span lang="ar" dir="rtl">{term(ar)}</span><span lang="en" dir="ltr">{term(en)}</span></dt>
            <dd>{value}</dd>
        </div>
    }
}

fn both(value: &Localized) -> impl IntoView {
    view! {
        <span lang="ar" dir="rtl">{value.ar.clone()}</span>
        <span lang="en" dir="ltr">{value.en.clone()}</span>
    }
}

fn day(date: nafitha_domain::calendar::Date) -> impl IntoView {
    both(&Localized::new(
        format_date(date, Locale::Ar),
        format_date(date, Locale::En),
    ))
}

fn certificate(licence: &Licence) -> impl IntoView {
    let (ar, en) = (&texts(Locale::Ar).licences, &texts(Locale::En).licences);
    let holder = &licence.holder;
    let details = licence
        .details_beside_holder()
        .map(|d| {
            view! {
                <div>
                    <dt><span lang="ar" dir="rtl">{d.label.ar.clone()}</span><span lang="en" dir="ltr">{d.label.en.clone()}</span></dt>
                    <dd>{both(&d.value)}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <article class="certificate" aria-label=format!("{} / {}", licence.activity.ar, licence.activity.en)>
            <p class="certificate-agency">{both(&licence.agency.name)}</p>
            <p class="certificate-title">{both(&licence.activity)}</p>
            <dl class="certificate-facts">
                {row(|t| t.licence_number, view! { <span dir="ltr" class="reference">{licence.number.grouped()}</span> })}
                {row(|t| t.status, both(&Localized::new(licence.status.label(Locale::Ar), licence.status.label(Locale::En))))}
                {row(|t| t.holder, holder.name.clone())}
                {holder.cr_number.clone().map(|cr| row(|t| t.cr_number, view! { <span dir="ltr">{cr}</span> }))}
                {row(|t| t.issued_on, day(licence.issued_on))}
                {row(|t| t.expires_on, day(licence.expires_on))}
                {details}
            </dl>
            <div class="certificate-conditions">
                <p lang="ar" dir="rtl"><strong>{ar.conditions} ": "</strong>{licence.conditions.ar.clone()}</p>
                <p lang="en" dir="ltr"><strong>{en.conditions} ": "</strong>{licence.conditions.en.clone()}</p>
            </div>
            <figure class="certificate-qr">
                <img
                    src=format!("/api/v1/licences/{}/qr.svg", licence.number)
                    alt=format!("{} / {}", ar.qr_alt, en.qr_alt)
                    width="160" height="160"
                />
                <figcaption>
                    <span lang="ar" dir="rtl">{ar.scan_to_verify}</span>
                    <span lang="en" dir="ltr">{en.scan_to_verify}</span>
                    <span dir="ltr" class="certificate-url">{licence.verify_url.clone()}</span>
                </figcaption>
            </figure>
        </article>
    }
}

#[component]
pub fn CertificatePage(number: String) -> AnyView {
    let locale = use_locale();
    let parsed = number_in_address(&number);
    let licence = api::get_my_licence(parsed);
    let print = |_| {
        let _ = window().print();
    };
    view! {
        <div class="certificate-tools">
            <a class="back-link" href=format!("/licences/{number}")>{tr(|t| t.licences.back_to_licence)}</a>
            <PageHeading text=Signal::derive(move || locale.texts().licences.certificate.to_owned())/>
            <button type="button" class="button" on:click=print>{tr(|t| t.citizen.print)}</button>
        </div>
        {move || match (parsed.get(), licence.get()) {
            (None, _) | (_, Some(Err(ApiError::NotFound))) => {
                view! { <p class="notice" role="alert">{tr(|t| t.licences.licence_not_found)}</p> }.into_any()
            }
            (_, None) => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            (_, Some(Err(error))) if error.needs_sign_in() => {
                sign_in_prompt(format!("/licences/{number}/certificate"))
            }
            (_, Some(Err(error))) => view! { <LoadError error on_retry=Callback::new(move |()| licence.refetch())/> }.into_any(),
            (_, Some(Ok(licence))) => certificate(&licence).into_any(),
        }}
    }
    .into_any()
}
