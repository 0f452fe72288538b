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
//!
//! This library is the host's (the server's renderer and the tests); in the WASM it is
//! empty and the binary (`main.rs`) compiles the same module tree (`modules.rs`) itself:
//! built through a library, the back office's WASM was 3.2 KB Brotli larger and the
//! intake desk's 2.1 KB (decision 0018).

#![cfg(not(target_family = "wasm"))]
// The views are not type-erased on the host (`erase_components` is the WASM's flag,
// .cargo/config.toml), and the server renderer's types nest deeper than rustc's default.
#![recursion_limit = "256"]

include!("modules.rs");
