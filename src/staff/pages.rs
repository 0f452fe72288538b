//! One screen per file, each named `…Page`. The intake desk's two screens are built into
//! the desk's app only (decision 0012), the licensing desk's two into its app only
//! (decision 0015), the others into the back office's only.

#[cfg(office)]
mod accounts;
#[cfg(office)]
mod answers;
#[cfg(office)]
mod api_keys;
#[cfg(office)]
mod appointments;
#[cfg(office)]
mod availability;
#[cfg(feature = "desk")]
mod filing;
#[cfg(feature = "licensing")]
mod licence;
#[cfg(feature = "licensing")]
mod licences;
#[cfg(office)]
mod loads;
#[cfg(feature = "desk")]
mod lookup;
#[cfg(office)]
mod lookups;
mod not_found;
#[cfg(office)]
mod performance;
#[cfg(office)]
mod queue;
#[cfg(office)]
mod request;
#[cfg(office)]
mod service;
#[cfg(office)]
mod services;
mod sign_in;

#[cfg(office)]
pub use accounts::AccountsPage;
#[cfg(office)]
pub use answers::AnswersPage;
#[cfg(office)]
pub use api_keys::ApiKeysPage;
#[cfg(office)]
pub use appointments::AppointmentsPage;
#[cfg(office)]
pub use availability::AvailabilityPage;
#[cfg(feature = "desk")]
pub use filing::FilingPage;
#[cfg(feature = "licensing")]
pub use licence::LicencePage;
#[cfg(feature = "licensing")]
pub use licences::LicencesPage;
#[cfg(office)]
pub use loads::LoadsPage;
#[cfg(feature = "desk")]
pub use lookup::LookupPage;
#[cfg(office)]
pub use lookups::LookupsPage;
pub use not_found::{NotFoundPage, NotYoursPage};
#[cfg(office)]
pub use performance::PerformancePage;
#[cfg(office)]
pub use queue::QueuePage;
#[cfg(office)]
pub use request::RequestPage;
#[cfg(office)]
pub use service::ServicePage;
#[cfg(office)]
pub use services::ServicesPage;
pub use sign_in::SignInPage;

use leptos::prelude::*;

use crate::i18n::{tr, Texts};

/// A screen's fixed heading (from the texts), for `PageHeading`.
fn heading(text: fn(&'static Texts) -> &'static str) -> Signal<String> {
    let text = tr(text);
    Signal::derive(move || text().to_owned())
}

/// A problem with `field` found in the browser, in both languages from the app's texts
/// (the server names its own).
#[cfg(not(feature = "licensing"))]
fn problem(
    field: &str,
    text: impl Fn(&'static Texts) -> String,
) -> nafitha_domain::answers::InvalidAnswer {
    use crate::i18n::texts;
    use nafitha_domain::{Locale, Localized};
    nafitha_domain::answers::InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(text(texts(Locale::Ar)), text(texts(Locale::En))),
    }
}
