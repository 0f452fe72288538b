//! Nafitha's browser app: a Leptos client-side-rendered single-page app.
//!
//! Built twice: the citizens' app, and with the `backoffice` feature the staff's app
//! (served under `/staff`, docs/decisions/0004). The back-office build leaves the citizen
//! pages out, so code only they use is unused there; unused code is checked in the
//! citizens' build.
#![cfg_attr(feature = "backoffice", allow(dead_code, unused_imports))]

mod api;
mod app;
mod components;
mod dates;
mod drafts;
mod i18n;
mod pages;
mod performance;
mod router;
#[cfg(feature = "backoffice")]
mod staff;
mod state;
mod uploads;

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    leptos::mount::mount_to_body(app::App);
}
