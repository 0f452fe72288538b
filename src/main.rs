//! Nafitha's browser apps, Leptos client-side rendered, built twice from this crate: the
//! citizens' app, and with the `backoffice` feature the staff's app (served under
//! `/staff`, docs/decisions/0004). Code only one app uses is compiled into that app alone
//! (the `cfg`s below and in `api` and `components`), so both builds are linted whole.

mod api;
mod components;
mod dates;
mod drafts;
mod i18n;
mod performance;
mod state;
mod uploads;

#[cfg(not(feature = "backoffice"))]
mod app;
#[cfg(not(feature = "backoffice"))]
mod pages;
#[cfg(not(feature = "backoffice"))]
mod router;

#[cfg(feature = "backoffice")]
mod staff;

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    #[cfg(not(feature = "backoffice"))]
    leptos::mount::mount_to_body(app::App);
    #[cfg(feature = "backoffice")]
    leptos::mount::mount_to_body(staff::StaffApp);
}
