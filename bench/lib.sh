# Shared by the bench scripts (sourced): a free local port, and one wrk run as a Markdown row.

# Prints a TCP port free on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wrk_row LABEL SHOWN URL [wrk options…]: runs `wrk -t2 -c8 -d$duration --latency` against
# URL and prints `| LABEL | SHOWN | requests/s | p50 | p99 | non-2xx |`.
wrk_row() {
  local label=$1 shown=$2 url=$3
  shift 3
  local out rps p50 p99 errors
  out=$(wrk -t2 -c8 -d"${duration:-10s}" --latency "$@" "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$label" "$shown" "$rps" "$p50" "$p99" "${errors:-0}"
}

# serve_seeded SERVER TAG: starts SERVER on a free port with a fresh data directory (the
# seeded catalogue, dist/ as the web build, the tracking limit off: every call comes from
# one address), waits until it answers (else prints its log and fails), and stops it and
# removes the directory on exit (the caller's own EXIT trap, if any, is replaced).
# Sets `base` (its URL) and `data` (its directory).
serve_seeded() {
  local server=$1 tag=$2 port
  data=$(mktemp -d "/tmp/nafitha-$tag.XXXXXX")
  port=$(free_port)
  base=http://127.0.0.1:$port
  NAFITHA_DIST=dist NAFITHA_DATA_DIR=$data NAFITHA_ADDR=127.0.0.1:$port NAFITHA_LOG=warn \
    NAFITHA_TRACK_PER_MINUTE=0 "$server" >"$data/server.log" 2>&1 &
  served_by=$!
  trap 'kill "$served_by" 2>/dev/null || true; wait "$served_by" 2>/dev/null || true; rm -rf "$data"' EXIT
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
  curl -fs "$base/healthz" >/dev/null || { cat "$data/server.log" >&2; return 1; }
}

# file_one_request: files a road-damage report at `base`, as the app files one, and
# prints its reference number.
file_one_request() {
  curl -fs -X POST "$base/api/v1/requests" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: bench-$(date +%s%N)" --data-binary @- <<'JSON' |
{"service_code":"epm-road-damage","locale":"ar",
 "applicant":{"name":"مستفيد تجريبي","phone":"0501234567"},
 "answers":{"damage":"pothole","danger":"no","details":"حفرة في الطريق","location":{"address":"الدمام"}}}
JSON
    python3 -c 'import json, sys; print(json.load(sys.stdin)["reference"])'
}
