// The apps' module tree, one list for both crate roots: the library (`lib.rs`, the host:
// the server's renderer and the tests) and the binary (`main.rs`, each app's WASM), which
// `include!` it. See `lib.rs` for what each `cfg` selects.

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
#[cfg(all(forms, not(feature = "backoffice")))]
mod queue;
#[cfg(records_app)]
mod records;
#[cfg(not(feature = "backoffice"))]
mod router;
#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
mod takeover;
#[cfg(not(feature = "backoffice"))]
mod url;

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
    // A page the server rendered is replaced by the app's same view, in this one task.
    #[cfg(not(feature = "backoffice"))]
    let (preloaded, kept) = takeover::take_page().unzip();
    #[cfg(not(feature = "backoffice"))]
    let preloaded = preloaded.unwrap_or_default();
    #[cfg(citizens)]
    leptos::mount::mount_to_body(move || {
        leptos::prelude::provide_context(preloaded);
        leptos::view! { <app::App boot/> }
    });
    #[cfg(records_app)]
    leptos::mount::mount_to_body(move || {
        leptos::prelude::provide_context(preloaded);
        leptos::view! { <records::RecordsApp boot/> }
    });
    #[cfg(not(feature = "backoffice"))]
    if let Some(kept) = kept {
        takeover::give_back(kept);
    }
    #[cfg(feature = "backoffice")]
    leptos::mount::mount_to_body(staff::StaffApp);
}
