//! One route component per file, each named `…Page`.

mod confirmation;
mod filing;
mod home;
mod not_found;
mod service;
mod track;

pub use confirmation::ConfirmationPage;
pub use filing::{can_file_online, FilingPage};
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use service::ServicePage;
pub use track::TrackPage;
