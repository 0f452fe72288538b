//! Presentational pieces shared by pages.

pub mod attachment_question;
mod contact;
pub mod error_summary;
mod load_error;
mod page_heading;
mod question;
mod site_header;

pub use contact::contact_view;
pub use error_summary::ErrorSummary;
pub use load_error::LoadError;
pub use page_heading::PageHeading;
pub use question::Question;
pub use site_header::SiteHeader;
