//! The binary Trunk builds into each app's WASM (`data-bin="nafitha-web"`): the allocator
//! and the start. The apps are the library (`lib.rs`); on the host this binary does
//! nothing, the server renders pages through the library instead.

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_family = "wasm")]
fn main() {
    nafitha_web::start();
}

#[cfg(not(target_family = "wasm"))]
fn main() {
    eprintln!("nafitha-web is the browser apps: build them with `make build-web`");
}
