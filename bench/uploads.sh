#!/usr/bin/env bash
# The server's memory while it receives uploads: N clients (default 16) each send one
# 10 MB photo at once (a valid JPEG: header, then 10 MB of scan data); prints the server's
# resident memory before, and its peak (VmHWM) after, with every answer's status.
#   bench/uploads.sh                      # the release build of this checkout
#   SERVER=/path/to/nafitha-server bench/uploads.sh   # another build, for comparison
# With RATE=32k, the clients send at that rate (curl --limit-rate; 32k = 256 kbit/s).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
server=${SERVER:-target/release/nafitha-server}
clients=${CLIENTS:-16}
rate=${RATE:-}
[ -x "$server" ] || cargo build --quiet --release -p nafitha-server
port=$(free_port)
data=$(mktemp -d /tmp/nafitha-uploads.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

# A JPEG of exactly 10,000,000 bytes: SOI, APP0, a quantisation table, a frame header
# (4000 x 3000), a scan header, random scan data, EOI.
python3 - "$data/photo.jpg" <<'EOF'
import os, struct, sys
head = b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
head += b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65))
head += b"\xff\xc0\x00\x0b\x08" + struct.pack(">HH", 3000, 4000) + b"\x01\x01\x11\x00"
head += b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
size = 10_000_000
scan = os.urandom(size - len(head) - 2).replace(b"\xff", b"\xfe")
open(sys.argv[1], "wb").write(head + scan + b"\xff\xd9")
EOF

NAFITHA_ADDR=127.0.0.1:$port NAFITHA_DATA_DIR=$data/server NAFITHA_LOG=warn \
  NAFITHA_UPLOADS_IN_FLIGHT=64 NAFITHA_UPLOADS_IN_FLIGHT_PER_CLIENT=64 \
  NAFITHA_UPLOADS_PER_CLIENT_HOUR=100000 NAFITHA_UPLOAD_MB_PER_CLIENT_HOUR=100000 \
  "$server" >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
before=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
start=$(date +%s.%N)
limit=()
[ -n "$rate" ] && limit=(--limit-rate "$rate")
uploads=()
for i in $(seq "$clients"); do
  curl -s -o /dev/null -w '%{http_code}\n' "${limit[@]}" -H 'Content-Type: image/jpeg' \
    --data-binary "@$data/photo.jpg" \
    "http://127.0.0.1:$port/api/v1/uploads?service=epm-road-damage&field=photos" \
    >"$data/status.$i" &
  uploads+=($!)
done
wait "${uploads[@]}"
end=$(date +%s.%N)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "clients: $clients x 10 MB${rate:+ at $rate/s each}, in $(python3 -c "print(round($end - $start, 1))") s"
echo "answers: $(cat "$data"/status.* | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
echo "server resident memory before: $((before / 1024)) MB; peak: $((peak / 1024)) MB"
