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

data=$(mktemp -d /tmp/nafitha-pages-bench.XXXXXX)
port=$(free_port)
base=http://127.0.0.1:$port
NAFITHA_DIST=dist NAFITHA_DATA_DIR=$data NAFITHA_ADDR=127.0.0.1:$port NAFITHA_LOG=warn \
  NAFITHA_TRACK_PER_MINUTE=0 "$server" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

reference=$(curl -fs -X POST "$base/api/v1/requests" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: pages-bench-$(date +%s)" --data-binary @- <<'JSON' |
{"service_code":"epm-road-damage","locale":"ar",
 "applicant":{"name":"مستفيد تجريبي","phone":"0501234567"},
 "answers":{"damage":"pothole","danger":"no","details":"حفرة في الطريق","location":{"address":"الدمام"}}}
JSON
  python3 -c 'import json, sys; print(json.load(sys.stdin)["reference"])')

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
