//! Names for the two groups of code the three apps share (docs/decisions/0012), so that
//! each item is compiled into exactly the apps that use it:
//! - `forms`: the citizens' app and the intake desk, which both file requests (questions,
//!   attachments, drafts, uploads);
//! - `office`: the back office proper (the crate with `backoffice` but not `desk`).

fn main() {
    let backoffice = std::env::var_os("CARGO_FEATURE_BACKOFFICE").is_some();
    let desk = std::env::var_os("CARGO_FEATURE_DESK").is_some();
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(forms, office)");
    if !backoffice || desk {
        println!("cargo::rustc-cfg=forms");
    }
    if backoffice && !desk {
        println!("cargo::rustc-cfg=office");
    }
}
