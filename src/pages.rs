//! One route component per file, each named `…Page`.

mod confirmation;
mod filing;
mod home;
mod my_requests;
mod not_found;
mod request;
mod service;
mod sign_in;
mod track;

pub use confirmation::ConfirmationPage;
pub use filing::{can_file_online, FilingPage};
pub use home::HomePage;
#[cfg(records_app)]
pub use my_requests::sign_in_prompt;
pub use my_requests::MyRequestsPage;
pub use not_found::NotFoundPage;
pub use request::RequestPage;
pub use service::ServicePage;
pub use sign_in::SignInPage;
pub use track::TrackPage;
