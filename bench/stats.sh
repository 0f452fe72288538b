#!/usr/bin/env bash
# The performance figures under load, with a generated database of REQUESTS requests
# (default 1,000,000) filed over YEARS years (default 3) and RATINGS ratings (default
# 300,000): GET /api/v1/stats for each period, and a supervisor's GET /api/v1/staff/stats,
# through wrk. The server rebuilds its kept counts from the generated data at start-up
# (timed here); the calls then read only those counts. Each query runs twice: with the
# server's answer cache off (NAFITHA_STATS_CACHE_MS=0: every call computes the figures) and
# on (the default: a public answer is reused until this instance commits a change, for at
# most 1 s). SQLite by default; PostgreSQL with DATABASE_URL=postgres://…
#   bench/stats.sh            (needs: make build-server, wrk)
#   REQUESTS=1000000 RATINGS=300000 DURATION=10s bench/stats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
requests=${REQUESTS:-1000000}
ratings=${RATINGS:-300000}
years=${YEARS:-3}
duration=${DURATION:-10s}
server=target/release/nafitha-server
cargo build --quiet --release -p nafitha-server -p nafitha-bench --bin nafitha-server --bin queue-data

data=$(mktemp -d /tmp/nafitha-stats-bench.XXXXXX)
port=$(free_port)
export NAFITHA_DATA_DIR=$data NAFITHA_ADDR=127.0.0.1:$port NAFITHA_LOG=info
url=${DATABASE_URL:-sqlite://$data/nafitha.db?mode=rwc}
export DATABASE_URL=$url
# PostgreSQL needs a secret shared by the instances (one here); SQLite makes its own.
export NAFITHA_SECRET=${NAFITHA_SECRET:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

start=$(date +%s)
target/release/queue-data "$url" "$requests" "$ratings" "$years"
echo "generated in $(( $(date +%s) - start )) s"
password="bench password $(date +%s)"
start=$(date +%s)
# The first connection finds no kept figures and rebuilds them from the data.
echo "$password" | $server staff add --username bench.super --role supervisor --agency epm --password-stdin >/dev/null
echo "figures rebuilt from the data in $(( $(date +%s) - start )) s"

serve() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  NAFITHA_STATS_CACHE_MS=$1 $server >"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
}
serve 0

super=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench.super\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/v1/staff/session" \
    | tr -d '\r' | sed -n 's/^set-cookie: \(nafitha_staff=[^;]*\).*/\1/Ip')
curl -fs "http://127.0.0.1:$port/api/v1/stats?period=all" | python3 -c '
import json, sys
s = json.load(sys.stdin)
p = s["portal"]
print("all time: received", p["received"], "resolved", p["resolved"], "ratings", p["satisfaction"]["count"],
      "median", p["median_days"], "p90", p["p90_days"], "agencies", len(s["agencies"]))'

run() { wrk_row "$1" "$2" "http://127.0.0.1:$port$2" ${3:+-H "Cookie: $3"}; }

echo
echo "Answer cache off (every call computes the figures):"
echo
echo "| who | query | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
run "public" "/api/v1/stats"
run "public" "/api/v1/stats?period=12m"
run "public" "/api/v1/stats?period=all"
run "supervisor" "/api/v1/staff/stats?period=all" "$super"
run "supervisor" "/api/v1/staff/stats?period=12m&department=epm-roads" "$super"
serve 1000
echo
echo "Answer cache on (the default; the supervisors' view is never cached):"
echo
echo "| who | query | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
run "public" "/api/v1/stats"
run "public" "/api/v1/stats?period=12m"
run "public" "/api/v1/stats?period=all"
