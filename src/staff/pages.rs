//! One screen per file, each named `…Page`.

mod accounts;
mod answers;
mod api_keys;
mod filing;
mod loads;
mod lookup;
mod lookups;
mod not_found;
mod performance;
mod queue;
mod request;
mod service;
mod services;
mod sign_in;

pub use accounts::AccountsPage;
pub use answers::AnswersPage;
pub use api_keys::ApiKeysPage;
pub use filing::FilingPage;
pub use loads::LoadsPage;
pub use lookup::LookupPage;
pub use lookups::LookupsPage;
pub use not_found::{NotFoundPage, NotYoursPage};
pub use performance::PerformancePage;
pub use queue::QueuePage;
pub use request::RequestPage;
pub use service::ServicePage;
pub use services::ServicesPage;
pub use sign_in::SignInPage;

use leptos::prelude::*;

use crate::i18n::{tr, Texts};

/// A screen's fixed heading (from the texts), for `PageHeading`.
fn heading(text: fn(&'static Texts) -> &'static str) -> Signal<String> {
    let text = tr(text);
    Signal::derive(move || text().to_owned())
}
