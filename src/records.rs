//! The records app (decision 0014): what the portal issues and publishes. "My licences"
//! with the fees to pay, a licence in full, its certificate for printing, its renewal;
//! anyone's check of a licence by its number (`/verify`, where a certificate's QR code
//! leads); the agencies' performance figures. The citizens' header and footer frame it,
//! so moving between the two apps looks like one portal; its addresses are
//! `nafitha_domain::apps::RECORDS_SCREENS`, and a link elsewhere loads the citizens' app
//! (`router::is_ours`).

mod certificate;
mod licences;
mod renew;
mod verify;

use leptos::prelude::*;
use nafitha_domain::licence::{Licence, LicenceNumber, LicenceStatus};
use nafitha_domain::Locale;

use crate::components::site_frame;
use crate::dates::{format_day, format_moment};
use crate::i18n::texts;
use crate::pages::NotFoundPage;
use crate::performance::PerformancePage;
use crate::router::use_location;
use crate::Boot;

/// The app, started at `boot` (see [`Boot`]).
#[component]
pub fn RecordsApp(boot: Boot) -> impl IntoView {
    site_frame(boot, || view! { <Pages/> })
}

/// Chooses the page for the address (see `app::Pages` for the citizens' app).
#[component]
fn Pages() -> impl IntoView {
    let location = use_location();
    let path = Memo::new(move |_| location.path.get());
    move || {
        let path = path.get();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["licences"] => view! { <licences::MyLicencesPage/> }.into_any(),
            ["licences", number] => {
                view! { <licences::LicencePage number=number.to_string()/> }.into_any()
            }
            ["licences", number, "certificate"] => {
                view! { <certificate::CertificatePage number=number.to_string()/> }.into_any()
            }
            ["licences", number, "renew"] => {
                view! { <renew::RenewPage number=number.to_string()/> }.into_any()
            }
            ["performance"] => view! { <PerformancePage/> }.into_any(),
            ["verify"] => view! { <verify::VerifyPage number=String::new()/> }.into_any(),
            ["verify", number] => {
                view! { <verify::VerifyPage number=number.to_string()/> }.into_any()
            }
            _ => view! { <NotFoundPage/> }.into_any(),
        }
    }
}

/// The number in the address, if it is a well-formed licence number (a wrong check digit
/// is never looked up).
fn number_in_address(raw: &str) -> Memo<Option<LicenceNumber>> {
    let number = LicenceNumber::parse(raw).ok();
    Memo::new(move |_| number.clone())
}

/// A licence's status as a tag, coloured by what it means for whoever relies on it.
fn status_tag(status: LicenceStatus, locale: Locale) -> impl IntoView {
    let class = match status {
        LicenceStatus::Valid => "tag",
        _ => "tag tag-warning",
    };
    view! { <strong class=class>{status.label(locale)}</strong> }
}

/// One row of a list of facts.
fn fact(term: &'static str, value: impl IntoView) -> impl IntoView {
    view! { <div><dt>{term}</dt><dd>{value}</dd></div> }
}

/// A licence's facts as its holder sees them: status and why, number, holder, dates, and
/// the answers printed on it.
fn licence_facts(licence: &Licence, locale: Locale) -> impl IntoView {
    let t = &texts(locale).licences;
    let suspension = licence
        .suspension
        .clone()
        .filter(|_| licence.status == LicenceStatus::Suspended)
        .map(|s| {
            view! {
                {fact(t.suspended_until, format_day(s.until, locale))}
                {fact(t.reason, s.reason)}
            }
        });
    let revocation = licence.revocation.clone().map(|r| {
        view! {
            {fact(t.revoked_at, format_moment(&r.at, locale))}
            {fact(t.reason, r.reason)}
        }
    });
    let details = licence
        .details_beside_holder()
        .map(|d| {
            fact_owned(
                d.label.get(locale).to_owned(),
                d.value.get(locale).to_owned(),
            )
        })
        .collect_view();
    let holder = &licence.holder;
    view! {
        <dl class="facts">
            {fact(t.status, status_tag(licence.status, locale))}
            {suspension}
            {revocation}
            {fact(t.licence_number, view! { <span dir="ltr" class="reference">{licence.number.grouped()}</span> })}
            {fact(t.agency, licence.agency.name.get(locale).to_owned())}
            {fact(t.holder, holder.name.clone())}
            {holder.cr_number.clone().map(|cr| fact(t.cr_number, view! { <span dir="ltr">{cr}</span> }))}
            {holder.national_id.clone().map(|id| fact(t.national_id, view! { <span dir="ltr">{id}</span> }))}
            {fact(t.issued_on, format_day(licence.issued_on, locale))}
            {fact(t.expires_on, format_day(licence.expires_on, locale))}
            {details}
        </dl>
    }
}

/// A row whose term is not one of the app's texts (a question's label).
fn fact_owned(term: String, value: String) -> impl IntoView {
    view! { <div><dt>{term}</dt><dd>{value}</dd></div> }
}
