#!/usr/bin/env bash
# The filing load (bench/load/filing.lua) against one server build on a fresh SQLite
# database: every request a new filing, wrk -t2 -c16 (CONNECTIONS=n for another) for 20 s. Extra environment for the
# server comes from the command line, so the abuse limits can be set for the run:
#   bench/filing.sh                                        # this checkout, default limits
#   bench/filing.sh NAFITHA_FILINGS_PER_CLIENT_HOUR=0 …    # a limit turned off
#   SERVER=/path/to/nafitha-server bench/filing.sh         # another build, for comparison
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
server=${SERVER:-target/release/nafitha-server}
[ -x "$server" ] || cargo build --quiet --release -p nafitha-server
port=$(free_port)
data=$(mktemp -d /tmp/nafitha-filing.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
env "$@" NAFITHA_ADDR=127.0.0.1:$port NAFITHA_DATA_DIR=$data NAFITHA_LOG=error "$server" \
  >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
wrk -t2 -c${CONNECTIONS:-16} -d"${DURATION:-20s}" --latency -s bench/load/filing.lua "http://127.0.0.1:$port" \
  | grep -E "Requests/sec|^ +(50|90|99)%|filings:"
