//! Nafitha's browser app: a Leptos client-side-rendered single-page app.

mod api;
mod app;
mod components;
mod dates;
mod drafts;
mod i18n;
mod pages;
mod router;
mod staff;
mod state;
mod uploads;

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    leptos::mount::mount_to_body(app::App);
}
