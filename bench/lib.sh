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
