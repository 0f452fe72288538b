//! The binary Trunk builds into each app's WASM (`data-bin="nafitha-web"`): the apps'
//! module tree (`modules.rs`, shared with the library; see `lib.rs`), the allocator and
//! the start. On the host it does nothing: the server renders pages through the library.

#[cfg(target_family = "wasm")]
include!("modules.rs");

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_family = "wasm")]
fn main() {
    start();
}

#[cfg(not(target_family = "wasm"))]
fn main() {
    eprintln!("nafitha-web is the browser apps: build them with `make build-web`");
}
