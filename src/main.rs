//! Nafitha's browser apps, Leptos client-side rendered, built five times from this
//! crate: the citizens' app; with the `backoffice` feature the staff's app (served under
//! `/staff`, docs/decisions/0004); with `desk` the intake desk's (its screens under
//! `/staff`, decision 0012); with `licensing` the licensing desk's (the register of
//! licences under `/staff/licences`, decision 0015); with `records` the records app (a holder's licences,
//! certificates, renewals and fees, anyone's check of a licence, the performance figures,
//! decision 0014). Code only some apps use is
//! compiled into those alone (the `cfg`s below and in `api` and `components`; `forms`
//! and `office` are named in build.rs), so the citizens' and the back office's builds are
//! linted whole. The desk, the licensing desk and the records app use a few of the modules the others share,
//! so in their builds those modules may hold code they do not call: the other two builds
//! lint every item of them.

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
#[cfg(not(citizens))]
#[cfg_attr(
    any(feature = "desk", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod performance;
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
#[cfg(feature = "records")]
mod records;
#[cfg(not(feature = "backoffice"))]
mod router;

#[cfg(feature = "backoffice")]
mod staff;

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    #[cfg(citizens)]
    leptos::mount::mount_to_body(app::App);
    #[cfg(feature = "records")]
    leptos::mount::mount_to_body(records::RecordsApp);
    #[cfg(feature = "backoffice")]
    leptos::mount::mount_to_body(staff::StaffApp);
}
