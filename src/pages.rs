//! One route component per file, each named `…Page`.

mod home;
mod not_found;
mod service;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use service::ServicePage;
