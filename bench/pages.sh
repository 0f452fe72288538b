#!/usr/bin/env bash
# What a server-rendered page costs (decision 0018): each public page, rendered with the
# API answers it asks for in-process and compressed as a browser asks (Brotli), against
# the API answer it is drawn from alone and against an app-only page (the built page with
# its language set). wrk -t2 -c8, DURATION each (default 10s), on a fresh, seeded SQLite
# database with one filed request to track; the tracking limit is off (one address asks).
#   bench/pages.sh            (needs: make build, wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=${DURATION:-10s}
server=${CARGO_TARGET_DIR:-target}/release/nafitha-server
[ -f dist/index.html ] && [ -x "$server" ] || make build

serve_seeded "$server" pages-bench
reference=$(file_one_request)

echo "| what | address | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
row() { wrk_row "$1" "$2" "$base$2" -H 'Accept-Encoding: br' -H 'Accept-Language: ar'; }
row "page: the catalogue" /
row "its answer" /api/v1/services
row "page: a service" /services/epm-construction-permit
row "its answer" /api/v1/services/epm-construction-permit
row "page: tracking" "/track?ref=$reference"
row "its answer" "/api/v1/track/$reference"
row "page: the figures" /performance
row "its answer" "/api/v1/stats?period=30d"
row "app-only page: signing in" /sign-in
