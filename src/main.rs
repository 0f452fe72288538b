//! Nafitha's browser app: a Leptos client-side-rendered single-page app.

mod api;
mod app;
mod components;
mod dates;
mod drafts;
mod i18n;
mod pages;
mod state;
mod uploads;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
