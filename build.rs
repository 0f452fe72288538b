//! Names for the groups of code the apps share (docs/decisions/0012, 0014 and 0018), so
//! that each item is compiled into exactly the builds that use it:
//! - `forms`: the citizens' app, the intake desk and the records app, which file requests
//!   (questions, attachments, drafts, uploads; the records app files renewals);
//! - `office`: the back office proper (the crate with `backoffice` but neither `desk` nor
//!   `licensing`);
//! - `citizens`: the citizens' app proper;
//! - `records_app`: the records app proper (the `records` feature);
//! - `figures`: the performance figures' views and texts (the records app and the back
//!   office);
//! - `server`: the host build without `backoffice`, which renders the public pages of the
//!   citizens' app *and* the records app to HTML (`src/ssr.rs`, decision 0018), so it
//!   compiles both apps whatever the features: the server depends on this crate once.

fn main() {
    let backoffice = std::env::var_os("CARGO_FEATURE_BACKOFFICE").is_some();
    let desk = std::env::var_os("CARGO_FEATURE_DESK").is_some();
    let records = std::env::var_os("CARGO_FEATURE_RECORDS").is_some();
    let licensing = std::env::var_os("CARGO_FEATURE_LICENSING").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f == "wasm");
    let server = !wasm && !backoffice;
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(forms, office, citizens, records_app, figures, server)");
    if !backoffice || desk {
        println!("cargo::rustc-cfg=forms");
    }
    if backoffice && !desk && !licensing {
        println!("cargo::rustc-cfg=office");
    }
    if (!backoffice && !records) || server {
        println!("cargo::rustc-cfg=citizens");
    }
    if records || server {
        println!("cargo::rustc-cfg=records_app");
    }
    if backoffice || records || server {
        println!("cargo::rustc-cfg=figures");
    }
    if server {
        println!("cargo::rustc-cfg=server");
    }
}
