//! Presentational pieces shared by pages.

mod load_error;
mod page_heading;
mod site_header;

pub use load_error::LoadError;
pub use page_heading::PageHeading;
pub use site_header::SiteHeader;
