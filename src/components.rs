//! Presentational pieces shared by pages: the citizens' and the back office's (the
//! service's questions serve the citizens' filing and the staff's assisted filing alike,
//! `cfg(forms)`, see build.rs), except the site header only citizens' pages use
//! (compiled into their app alone).

mod answers;
#[cfg(forms)]
pub mod attachment_question;
#[cfg(forms)]
mod contact;
pub mod error_summary;
mod files;
mod header_parts;
mod load_error;
#[cfg(not(feature = "backoffice"))]
mod lookup_form;
mod page_heading;
#[cfg(forms)]
mod question;
mod slot_picker;
#[cfg(forms)]
mod tracked;

pub use answers::answer_rows;
#[cfg(not(feature = "backoffice"))]
pub use answers::answer_text;
#[cfg(forms)]
pub use contact::contact_view;
pub use error_summary::ErrorSummary;
pub use files::file_list;
pub use header_parts::{Brand, LanguageSwitch, SkipLink};
pub use load_error::LoadError;
#[cfg(not(feature = "backoffice"))]
pub use lookup_form::lookup_form;
pub use page_heading::PageHeading;
#[cfg(forms)]
pub use question::draft_question;
#[cfg(not(feature = "backoffice"))]
pub use question::Question;
pub use slot_picker::SlotPicker;
#[cfg(not(feature = "backoffice"))]
pub use tracked::kept_notice;
#[cfg(forms)]
pub use tracked::{request_facts, timeline_entries};

#[cfg(not(feature = "backoffice"))]
mod site_header;

#[cfg(not(feature = "backoffice"))]
pub use site_header::site_frame;
