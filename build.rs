//! Names for the groups of code the four apps share (docs/decisions/0012 and 0014), so
//! that each item is compiled into exactly the apps that use it:
//! - `forms`: the citizens' app, the intake desk and the records app, which file requests
//!   (questions, attachments, drafts, uploads; the records app files renewals);
//! - `office`: the back office proper (the crate with `backoffice` but neither `desk` nor
//!   `licensing`);
//! - `citizens`: the citizens' app proper (no feature).

fn main() {
    let backoffice = std::env::var_os("CARGO_FEATURE_BACKOFFICE").is_some();
    let desk = std::env::var_os("CARGO_FEATURE_DESK").is_some();
    let records = std::env::var_os("CARGO_FEATURE_RECORDS").is_some();
    let licensing = std::env::var_os("CARGO_FEATURE_LICENSING").is_some();
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(forms, office, citizens)");
    if !backoffice || desk {
        println!("cargo::rustc-cfg=forms");
    }
    if backoffice && !desk && !licensing {
        println!("cargo::rustc-cfg=office");
    }
    if !backoffice && !records {
        println!("cargo::rustc-cfg=citizens");
    }
}
