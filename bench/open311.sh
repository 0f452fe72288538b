#!/usr/bin/env bash
# Open311 GeoReport v2 under load, on a generated database of REQUESTS requests (default
# 100,000) filed over YEARS years (default 1), of which every one of the agency epm is
# made a filing of one partner's key (so its lists are as long as they get: 1,000 rows).
# Through wrk: services and a definition (public), and, with the key, a request by id,
# the default 90-day list, a filtered list and the updates. SQLite.
#   bench/open311.sh          (needs: wrk)
#   REQUESTS=100000 DURATION=10s bench/open311.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
requests=${REQUESTS:-100000}
years=${YEARS:-1}
duration=${DURATION:-10s}
server=target/release/nafitha-server
cargo build --quiet --release -p nafitha-server -p nafitha-bench --bin nafitha-server --bin queue-data

data=$(mktemp -d /tmp/nafitha-open311-bench.XXXXXX)
port=$(free_port)
export NAFITHA_DATA_DIR=$data NAFITHA_ADDR=127.0.0.1:$port NAFITHA_LOG=warn
export DATABASE_URL="sqlite://$data/nafitha.db?mode=rwc"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

target/release/queue-data "$DATABASE_URL" "$requests" 0 "$years"
key=$($server api-key add --partner "Bench bot" --agency epm --channel whatsapp | sed -n 's/^key [0-9]* for .*: //p')
python3 - "$data/nafitha.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("update requests set api_key_id = (select max(id) from api_keys) where agency_code = 'epm'").rowcount
db.commit()
print(f"{n} requests made the key's filings")
PY
$server >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$port/open311/v2"
one=$(curl -fs -H "Authorization: Bearer $key" "$base/requests.json" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(rows[-1]["service_request_id"])
print(len(rows), "rows in the default list", file=sys.stderr)')
curl -fs -H "Authorization: Bearer $key" "$base/servicerequestupdates.json" | python3 -c '
import json, sys; print(len(json.load(sys.stdin)), "rows in the default updates", file=sys.stderr)'

run() { wrk_row "$1" "$2" "$base$2" -H "Authorization: Bearer $key"; }
echo
echo "| what | path | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
run "services (public)" "/services.json"
run "definition (public)" "/services/epm-road-damage.xml"
run "one request" "/requests/$one.json"
run "list, last 90 days (1,000 rows)" "/requests.json"
run "list, one service, closed" "/requests.json?service_code=epm-road-damage&status=closed"
run "updates, last 90 days (1,000 rows)" "/servicerequestupdates.json"
run "list in XML (1,000 rows)" "/requests.xml"
