//! Presentational pieces shared by pages: the citizens' and the back office's, except the
//! four only citizens' pages use (compiled into their app alone).

mod answers;
pub mod error_summary;
mod files;
mod header_parts;
mod load_error;
mod page_heading;

pub use answers::answer_rows;
#[cfg(not(feature = "backoffice"))]
pub use answers::answer_text;
pub use error_summary::ErrorSummary;
pub use files::file_list;
pub use header_parts::{Brand, LanguageSwitch, SkipLink};
pub use load_error::LoadError;
pub use page_heading::PageHeading;

#[cfg(not(feature = "backoffice"))]
pub mod attachment_question;
#[cfg(not(feature = "backoffice"))]
mod contact;
#[cfg(not(feature = "backoffice"))]
mod question;
#[cfg(not(feature = "backoffice"))]
mod site_header;

#[cfg(not(feature = "backoffice"))]
pub use contact::contact_view;
#[cfg(not(feature = "backoffice"))]
pub use question::Question;
#[cfg(not(feature = "backoffice"))]
pub use site_header::SiteHeader;
