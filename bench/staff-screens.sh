#!/usr/bin/env bash
# The back office's size screen by screen: builds it with the first k screens routed
# (the rest compiled out as unused), for k = 0 (sign-in and the header alone) to all,
# and prints the Brotli size of WASM + JS for each. Takes about 2 minutes a build. The
# intake desk's two screens are an app of their own since decision 0012 (`make
# size-check` measures it).
# Usage: bench/staff-screens.sh   (restores src/staff.rs when done)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
cp src/staff.rs /tmp/staff.rs.orig
trap 'cp /tmp/staff.rs.orig src/staff.rs' EXIT
screens=(
  'path!("")'
  'path!("/requests/:reference")'
  'path!("/overdue")'
  'path!("/performance")'
  'path!("/services")'
  'path!("/services/:code")'
  'path!("/services/:code/answers")'
  'path!("/lookups")'
  'path!("/accounts")'
  'path!("/api-keys")'
)
names=("sign-in, header, fallback" "+ queue" "+ request" "+ open work per department" "+ performance and ratings" "+ services list" "+ service editor" "+ ready answers" "+ look-ups' audit" "+ staff accounts" "+ partners' API keys")
echo "| screens | WASM + JS, brotli |"
echo "|---|---:|"
for k in $(seq 0 ${#screens[@]}); do
  cp /tmp/staff.rs.orig src/staff.rs
  for ((i = k; i < ${#screens[@]}; i++)); do
    grep -vF "<Route path=${screens[$i]} " src/staff.rs > /tmp/staff.rs.k && cp /tmp/staff.rs.k src/staff.rs
  done
  if [ "$k" = 0 ]; then
    # `Routes` needs one route: the fallback page's.
    sed -i 's|<Routes fallback=Elsewhere>|&<Route path=path!("") view=NotFoundPage/>|' src/staff.rs
  fi
  out=/tmp/staff-dist-$k
  rm -rf "$out"
  trunk build staff.html --release --dist "$out" --public-url /staff/ >/tmp/staff-screens-$k.log 2>&1
  node scripts/minify-js.mjs "$out" >/dev/null
  bytes=0
  for f in "$out"/*.wasm "$out"/*.js; do
    bytes=$((bytes + $(brotli -q 11 -c "$f" | wc -c)))
  done
  printf '| %s | %s KB |\n' "${names[$k]}" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1000 }')"
done
