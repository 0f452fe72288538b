#!/usr/bin/env bash
# The back-office queue under load, with a generated database of REQUESTS requests
# (default 100,000): GET /api/v1/staff/requests for a supervisor of the busiest agency
# (about 60% of all requests) and for an agent of one department, default order and
# filters, through wrk. SQLite by default; PostgreSQL with DATABASE_URL=postgres://…
#   bench/queue.sh            (needs: make build-server, wrk)
#   REQUESTS=100000 DURATION=10s bench/queue.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
requests=${REQUESTS:-100000}
duration=${DURATION:-10s}
server=target/release/nafitha-server
cargo build --quiet --release -p nafitha-server -p nafitha-bench --bin nafitha-server --bin queue-data

data=$(mktemp -d /tmp/nafitha-queue-bench.XXXXXX)
port=$(free_port)
export NAFITHA_DATA_DIR=$data NAFITHA_ADDR=127.0.0.1:$port NAFITHA_LOG=warn
url=${DATABASE_URL:-sqlite://$data/nafitha.db?mode=rwc}
export DATABASE_URL=$url
# PostgreSQL needs a secret shared by the instances (one here); SQLite makes its own.
export NAFITHA_SECRET=${NAFITHA_SECRET:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

start=$(date +%s)
target/release/queue-data "$url" "$requests"
echo "generated in $(( $(date +%s) - start )) s"
password="bench password $(date +%s)"
echo "$password" | $server staff add --username bench.super --role supervisor --agency epm --password-stdin >/dev/null
echo "$password" | $server staff add --username bench.roads --role agent --agency epm --department epm-roads --password-stdin >/dev/null
$server >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

cookie() {
  curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/v1/staff/session" \
    | tr -d '\r' | sed -n 's/^set-cookie: \(nafitha_staff=[^;]*\).*/\1/Ip'
}
super=$(cookie bench.super)
roads=$(cookie bench.roads)
first=$(curl -fs -H "Cookie: $super" "http://127.0.0.1:$port/api/v1/staff/requests")
next=$(python3 -c 'import json,sys; print(json.load(sys.stdin).get("next",""))' <<<"$first")
prefix=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["reference"][:6])' <<<"$first")

run() { wrk_row "$1" "$3" "http://127.0.0.1:$port$3" -H "Cookie: $2"; }

echo
echo "| who | query | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
run "supervisor, agency" "$super" "/api/v1/staff/requests"
run "supervisor, agency" "$super" "/api/v1/staff/requests?after=$next"
run "supervisor, agency" "$super" "/api/v1/staff/requests?overdue=true"
run "supervisor, agency" "$super" "/api/v1/staff/requests?status=resolved"
run "supervisor, agency" "$super" "/api/v1/staff/requests?assignee=bench.agent3"
run "supervisor, agency" "$super" "/api/v1/staff/requests?service=epm-road-damage&status=all"
run "supervisor, agency" "$super" "/api/v1/staff/requests?status=all&q=$prefix"
run "agent, department" "$roads" "/api/v1/staff/requests"
run "agent, department" "$roads" "/api/v1/staff/requests?assignee=none"
