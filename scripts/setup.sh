#!/usr/bin/env bash
# Installs what building and testing Nafitha needs, and only what is missing:
# the wasm32 target, Trunk, the wasm-bindgen CLI at exactly Cargo.lock's version,
# wasm-opt (npm binaryen), the end-to-end test packages, the API fuzzer (schemathesis and
# openapi-spec-validator) and the tests' S3 stand-in (moto_server), in tools/venv, and, as
# root, Debian's Chromium, fonts, PostgreSQL and Python's venv. Safe to run again: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
say() { printf 'setup: %s\n' "$*"; }
changed=0

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
  changed=1
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 6 minutes on 2 cores)"
  cargo install "trunk@$TRUNK_VERSION" --locked
  changed=1
fi

# Trunk only uses the wasm-bindgen on PATH when its version equals the crate's.
bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen_version"; then
  # Not --locked: one of its locked dependencies is missing from the registry.
  say "installing wasm-bindgen-cli $bindgen_version (about 3 minutes)"
  cargo install "wasm-bindgen-cli@$bindgen_version" --force
  changed=1
fi

if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ ! -d tools/node_modules/esbuild ] \
  || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  say "installing the build tools (npm binaryen for wasm-opt, esbuild for the JS) into tools/"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
  changed=1
fi

if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ] \
  || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing the end-to-end test packages (Playwright, axe)"
  # Playwright must never download a browser here: Debian's Chromium is used.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix end2end --no-audit --no-fund --loglevel=error
  changed=1
fi

debs=(chromium chromium-driver fonts-noto-core postgresql brotli)
# Python's venv (for the API fuzzer) comes with some Pythons and is Debian's python3-venv
# with Debian's.
python3 -c 'import ensurepip, venv' 2>/dev/null || debs+=(python3-venv)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    changed=1
  else
    say "not root: install these Debian packages yourself: ${missing[*]}"
  fi
fi

# The API fuzzer and the tests' S3 stand-in, at the versions tools/requirements.txt pins
# (Python 3.11 or later).
if [ ! -x tools/venv/bin/schemathesis ] || [ ! -x tools/venv/bin/openapi-spec-validator ] \
  || [ ! -x tools/venv/bin/moto_server ] || [ tools/requirements.txt -nt tools/venv/.installed ]; then
  say "installing the API fuzzer (schemathesis, openapi-spec-validator) and the S3 stand-in (moto) into tools/venv"
  [ -x tools/venv/bin/pip ] || python3 -m venv tools/venv
  tools/venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
  touch tools/venv/.installed
  changed=1
fi

if [ $changed = 0 ]; then
  say "everything is already installed"
fi
