//! One screen per file, each named `…Page`. The intake desk's two screens are built into
//! the desk's app only, the others into the back office's only (decision 0012).

#[cfg(not(feature = "desk"))]
mod accounts;
#[cfg(not(feature = "desk"))]
mod answers;
#[cfg(not(feature = "desk"))]
mod api_keys;
#[cfg(not(feature = "desk"))]
mod appointments;
#[cfg(not(feature = "desk"))]
mod availability;
#[cfg(feature = "desk")]
mod filing;
#[cfg(not(feature = "desk"))]
mod licence;
#[cfg(not(feature = "desk"))]
mod licences;
#[cfg(not(feature = "desk"))]
mod loads;
#[cfg(feature = "desk")]
mod lookup;
#[cfg(not(feature = "desk"))]
mod lookups;
mod not_found;
#[cfg(not(feature = "desk"))]
mod performance;
#[cfg(not(feature = "desk"))]
mod queue;
#[cfg(not(feature = "desk"))]
mod request;
#[cfg(not(feature = "desk"))]
mod service;
#[cfg(not(feature = "desk"))]
mod services;
mod sign_in;

#[cfg(not(feature = "desk"))]
pub use accounts::AccountsPage;
#[cfg(not(feature = "desk"))]
pub use answers::AnswersPage;
#[cfg(not(feature = "desk"))]
pub use api_keys::ApiKeysPage;
#[cfg(not(feature = "desk"))]
pub use appointments::AppointmentsPage;
#[cfg(not(feature = "desk"))]
pub use availability::AvailabilityPage;
#[cfg(feature = "desk")]
pub use filing::FilingPage;
#[cfg(not(feature = "desk"))]
pub use licence::LicencePage;
#[cfg(not(feature = "desk"))]
pub use licences::LicencesPage;
#[cfg(not(feature = "desk"))]
pub use loads::LoadsPage;
#[cfg(feature = "desk")]
pub use lookup::LookupPage;
#[cfg(not(feature = "desk"))]
pub use lookups::LookupsPage;
pub use not_found::{NotFoundPage, NotYoursPage};
#[cfg(not(feature = "desk"))]
pub use performance::PerformancePage;
#[cfg(not(feature = "desk"))]
pub use queue::QueuePage;
#[cfg(not(feature = "desk"))]
pub use request::RequestPage;
#[cfg(not(feature = "desk"))]
pub use service::ServicePage;
#[cfg(not(feature = "desk"))]
pub use services::ServicesPage;
pub use sign_in::SignInPage;

use leptos::prelude::*;

use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::{Locale, Localized};

use crate::i18n::{texts, tr, Texts};

/// A screen's fixed heading (from the texts), for `PageHeading`.
fn heading(text: fn(&'static Texts) -> &'static str) -> Signal<String> {
    let text = tr(text);
    Signal::derive(move || text().to_owned())
}

/// A problem with `field` found in the browser, in both languages from the app's texts
/// (the server names its own).
fn problem(field: &str, text: impl Fn(&'static Texts) -> String) -> InvalidAnswer {
    InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(text(texts(Locale::Ar)), text(texts(Locale::En))),
    }
}
