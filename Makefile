# Nafitha: the two commands are `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tools/node_modules/.bin:$(PATH)

# Where cargo puts the server: target/, or CARGO_TARGET_DIR (end2end/paths.js agrees).
SERVER := $(or $(CARGO_TARGET_DIR),target)/release/nafitha-server
# Budget for the app's WASM + JS, brotli-compressed as served (bytes): the citizens' app,
# the back office (staff on office networks, decision 0008), the intake desk (decision
# 0012), the licensing desk (decision 0015) and the records app (decision 0014) apart.
WASM_JS_BUDGET_BR := 250000
STAFF_WASM_JS_BUDGET_BR := 310000
DESK_WASM_JS_BUDGET_BR := 250000
RECORDS_WASM_JS_BUDGET_BR := 250000
LICENSING_WASM_JS_BUDGET_BR := 250000

.PHONY: setup build build-web build-server run dev test lint test-rust test-e2e fuzz-api size-check clean

setup:
	@scripts/setup.sh

build: setup build-server build-web

build-server:
	cargo build --release -p nafitha-server

# Trunk builds the size-optimised WASM into dist/, the back office (the same crate
# with the `backoffice` feature) into dist/staff/, the intake desk (`desk`, decision
# 0012) into dist/staff/desk/, the licensing desk (`licensing`, decision 0015) into
# dist/staff/licensing/ and the records app (`records`, decision 0014) into dist/records/,
# in that order (each build empties its own directory); esbuild minifies wasm-bindgen's JS
# and the app's loader in each page; the server then writes .br and .gz beside each
# file so they are served precompressed.
build-web: build-server
	trunk build --release
	trunk build staff.html --release --dist dist/staff --public-url /staff/
	trunk build desk.html --release --dist dist/staff/desk --public-url /staff/desk/
	trunk build licensing.html --release --dist dist/staff/licensing --public-url /staff/licensing/
	trunk build records.html --release --dist dist/records --public-url /records/
	node scripts/minify-js.mjs dist
	node scripts/minify-js.mjs dist/staff
	node scripts/minify-js.mjs dist/staff/desk
	node scripts/minify-js.mjs dist/staff/licensing
	node scripts/minify-js.mjs dist/records
	$(SERVER) precompress dist

run: build
	NAFITHA_DIST=dist $(SERVER)

test: setup lint test-rust build fuzz-api test-e2e size-check

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p nafitha-web -p nafitha-domain --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p nafitha-web --features backoffice --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p nafitha-web --features desk --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p nafitha-web --features licensing --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p nafitha-web --features records --target wasm32-unknown-unknown -- -D warnings

# Unit tests and the API tests: on SQLite always, and on PostgreSQL too when
# NAFITHA_TEST_POSTGRES_URL is set (.ci/run sets it; scripts/with-postgres.sh does it locally).
test-rust:
	cargo test --workspace

test-e2e:
	cd end2end && npx playwright test

# Schemathesis against the release server, from the API's own OpenAPI document, with
# every check (scripts/fuzz-api.sh says how it signs in and what it bounds).
fuzz-api:
	scripts/fuzz-api.sh $(SERVER)

size-check:
	cargo run --quiet --release -p nafitha-bench --bin size-check -- dist $(WASM_JS_BUDGET_BR)
	cargo run --quiet --release -p nafitha-bench --bin size-check -- dist/staff $(STAFF_WASM_JS_BUDGET_BR)
	cargo run --quiet --release -p nafitha-bench --bin size-check -- dist/staff/desk $(DESK_WASM_JS_BUDGET_BR)
	cargo run --quiet --release -p nafitha-bench --bin size-check -- dist/staff/licensing $(LICENSING_WASM_JS_BUDGET_BR)
	cargo run --quiet --release -p nafitha-bench --bin size-check -- dist/records $(RECORDS_WASM_JS_BUDGET_BR)

clean:
	cargo clean
	rm -rf dist
