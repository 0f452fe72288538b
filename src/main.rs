//! Nafitha's browser apps, Leptos client-side rendered, built three times from this
//! crate: the citizens' app; with the `backoffice` feature the staff's app (served under
//! `/staff`, docs/decisions/0004); with `desk` the intake desk's (its screens under
//! `/staff`, decision 0012). Code only some apps use is compiled into those alone (the
//! `cfg`s below and in `api` and `components`; `forms` and `office` are named in
//! build.rs), so the citizens' and the back office's builds are linted whole. The desk
//! uses a few of the modules the back office shares, so in its build those modules may
//! hold code it does not call: the other two builds lint every item of them.

#[cfg_attr(feature = "desk", allow(dead_code, unused_imports))]
mod api;
#[cfg_attr(feature = "desk", allow(dead_code, unused_imports))]
mod components;
#[cfg_attr(feature = "desk", allow(dead_code, unused_imports))]
mod dates;
#[cfg(forms)]
mod drafts;
#[cfg_attr(feature = "desk", allow(dead_code, unused_imports))]
mod i18n;
#[cfg_attr(feature = "desk", allow(dead_code, unused_imports))]
mod performance;
mod state;
#[cfg(forms)]
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
