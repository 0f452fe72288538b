#!/usr/bin/env bash
# Runs a command with a throwaway S3 stand-in (moto_server, from tools/venv: `make setup`
# installs it) and NAFITHA_TEST_S3_ENDPOINT pointing at it, so the attachment tests also
# run against a bucket and the two-instance test can run; the stand-in and what it kept
# (in memory) go when the command ends, whatever its result.
#   scripts/with-s3.sh make test
#   scripts/with-postgres.sh scripts/with-s3.sh make test     # what CI runs (.ci/run)
set -euo pipefail

moto="$(cd "$(dirname "$0")/.." && pwd)/tools/venv/bin/moto_server"
if [ ! -x "$moto" ]; then
  echo "with-s3: $moto is missing (make setup installs it)" >&2
  exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/nafitha-s3.XXXXXX)
"$moto" -H 127.0.0.1 -p "$port" >"$dir/log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$port/" -o /dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/" -o /dev/null || { echo "with-s3: moto_server did not start" >&2; cat "$dir/log" >&2; exit 1; }
export NAFITHA_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
echo "with-s3: moto_server $("$(dirname "$moto")/python" -c 'import moto; print(moto.__version__)') on port $port"
"$@"
