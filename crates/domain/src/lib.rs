//! Rules and data shapes shared by the Nafitha browser app and its server.
//!
//! Everything both sides must agree on lives here once: the catalogue and form-definition
//! types, the wire shape of errors, the locales. The crate does no I/O and has no
//! dependency that would not build for `wasm32-unknown-unknown`, because the browser runs
//! these rules before sending and the server runs them again before storing.

pub mod account;
pub mod answers;
pub mod appointment;
pub mod apps;
pub mod backoffice;
pub mod bill;
pub mod calendar;
pub mod catalogue;
pub mod error;
pub mod filing;
pub mod form;
mod hijri;
pub mod identity;
pub mod intake;
pub mod licence;
pub mod lifecycle;
pub mod locale;
pub mod number;
pub mod open311;
pub mod partner;
pub mod rating;
pub mod reference;
pub mod stats;
pub mod text;
pub mod url;

pub use catalogue::{
    format_fee, AgencyRef, Contact, DepartmentRef, ServiceDetail, ServiceKind, ServiceSummary,
};
pub use error::{ErrorBody, FieldError};
pub use form::{Choice, Condition, Field, FieldKind, FormDefinition, FormDefinitionError};
pub use locale::{Locale, Localized};
pub use reference::{ReferenceError, ReferenceNumber};
