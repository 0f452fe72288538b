//! Nafitha's browser apps, Leptos client-side rendered, built five times from this
//! crate: the citizens' app; with the `backoffice` feature the staff's app (served under
//! `/staff`, docs/decisions/0004); with `desk` the intake desk's (its screens under
//! `/staff`, decision 0012); with `licensing` the licensing desk's (the register of
//! licences under `/staff/licences`, decision 0015); with `records` the records app (a holder's licences,
//! certificates, renewals and fees, anyone's check of a licence, the performance figures,
//! decision 0014). Code only some apps use is
//! compiled into those alone (the `cfg`s below and in `api` and `components`; `forms`,
//! `office`, `citizens`, `records_app`, `figures` and `server` are named in build.rs), so the citizens' and the back office's builds are
//! linted whole. The desk, the licensing desk and the records app use a few of the modules the others share,
//! so in their builds those modules may hold code they do not call: the other two builds
//! lint every item of them.
//!
//! The same components render on the host (`cfg(server)`, Leptos' `ssr`): `ssr::render`
//! turns a public page of the citizens' or the records app into HTML for the server
//! (decision 0018). Code that touches the browser (web-sys, js-sys) must therefore run
//! only in effects, event handlers or `cfg(target_family = "wasm")` code, never while a
//! view is built.

// On the host the views are not type-erased (`erase_components` is the WASM's flag,
// .cargo/config.toml), and the server renderer's types nest deeper than rustc's default.
#![cfg_attr(not(target_family = "wasm"), recursion_limit = "256")]

#[cfg_attr(
    any(feature = "desk", feature = "records", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod api;
#[cfg_attr(
    any(feature = "desk", feature = "records", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod components;
#[cfg_attr(
    any(feature = "desk", feature = "records", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod dates;
#[cfg(forms)]
#[cfg_attr(feature = "records", allow(dead_code, unused_imports))]
mod drafts;
#[cfg_attr(
    any(feature = "desk", feature = "records", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod i18n;
#[cfg(figures)]
#[cfg_attr(
    any(feature = "desk", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod performance;
#[cfg(server)]
pub mod ssr;
mod state;
#[cfg(forms)]
#[cfg_attr(feature = "records", allow(dead_code, unused_imports))]
mod uploads;

#[cfg(citizens)]
mod app;
#[cfg(not(feature = "backoffice"))]
#[cfg_attr(feature = "records", allow(dead_code, unused_imports))]
mod pages;
#[cfg(records_app)]
mod records;
#[cfg(not(feature = "backoffice"))]
mod router;

#[cfg(feature = "backoffice")]
mod staff;

#[cfg(not(feature = "backoffice"))]
pub use state::Boot;

/// Starts the app this build is (see the crate's documentation) in the page's `<body>`,
/// at the browser's address, in the language the device remembers.
#[cfg(target_family = "wasm")]
pub fn start() {
    #[cfg(not(feature = "backoffice"))]
    let boot = Boot::from_browser();
    #[cfg(citizens)]
    leptos::mount::mount_to_body(move || leptos::view! { <app::App boot/> });
    #[cfg(records_app)]
    leptos::mount::mount_to_body(move || leptos::view! { <records::RecordsApp boot/> });
    #[cfg(feature = "backoffice")]
    leptos::mount::mount_to_body(staff::StaffApp);
}
