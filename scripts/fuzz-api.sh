#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document: starts the server given (the release
# build by default) on a free port with a new data directory, the seeded catalogue and
# the demo staff, checks the document with openapi-spec-validator, then runs schemathesis
# with every check, three times: as intake staff (their operations), as an agency admin
# and a citizen (every other operation, each also sent without its session), and for
# signing in and out. Both tools come from tools/venv (`make setup` installs them). Fails
# on any failure; the server is stopped and its files removed whatever the result.
#   scripts/fuzz-api.sh [path/to/nafitha-server]
set -euo pipefail
cd "$(dirname "$0")/.."

server=${1:-${CARGO_TARGET_DIR:-target}/release/nafitha-server}
venv=tools/venv/bin
# Bounds: examples per operation and seconds for the main run (the other two have 30 s),
# so the step stays within a few minutes on two cores. FUZZ_EXAMPLES=200
# FUZZ_SECONDS=600 digs deeper.
examples=${FUZZ_EXAMPLES:-30}
seconds=${FUZZ_SECONDS:-90}
# Fixed, so a failure can be replayed; FUZZ_SEED=random explores new ground.
seed=${FUZZ_SEED:-20261201}

for tool in "$server" "$venv/schemathesis" "$venv/openapi-spec-validator"; do
  if [ ! -x "$tool" ]; then
    echo "fuzz-api: $tool is missing (make build-server and make setup make it)" >&2
    exit 1
  fi
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/nafitha-fuzz.XXXXXX)
base="http://127.0.0.1:$port"
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

# The fuzzer comes from one address and reuses numbers far more than any citizen would:
# the limits are raised so that it reaches the handlers (429 is still described, and the
# limits themselves are tested by crates/server/tests/api/limits.rs).
NAFITHA_ADDR="127.0.0.1:$port" \
  NAFITHA_DATA_DIR="$dir/data" \
  NAFITHA_DIST="${NAFITHA_DIST:-dist}" \
  NAFITHA_DEMO=1 \
  NAFITHA_LOG="${NAFITHA_LOG:-warn}" \
  NAFITHA_FILINGS_PER_CLIENT_HOUR=1000000 \
  NAFITHA_FILINGS_PER_PHONE_HOUR=1000000 \
  NAFITHA_SMS_PER_PHONE_DAY=1000000 \
  NAFITHA_SIGN_IN_PER_MINUTE=1000000 \
  NAFITHA_TRACK_PER_MINUTE=1000000 \
  NAFITHA_UPLOADS_PER_CLIENT_HOUR=1000000 \
  NAFITHA_UPLOAD_MB_PER_CLIENT_HOUR=1000000 \
  "$server" >"$dir/server.out" 2>"$dir/server.err" &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.err" >&2; exit 1; }
  sleep 0.2
done
curl -fs "$base/healthz" >/dev/null

curl -fsS "$base/api/v1/openapi.json" -o "$dir/openapi.json"
"$venv/openapi-spec-validator" "$dir/openapi.json"

# The sessions the fuzzer sends where the document asks for them: an agency admin of the
# demo staff (printed at start-up), and a citizen signed in with the code of the SMS in the
# outbox log, who has filed a request first (so that their pages are not all empty), and
# two shop licence applications the municipality approved: one bill left unpaid, one paid
# (so a licence), so that the bills' and licences' operations reach past "not found".
# `cookie_value NAME` reads that cookie's value from the response headers on stdin.
cookie_value() { tr -d '\r' | sed -n "s/^[Ss]et-[Cc]ookie: $1=\([^;]*\).*/\1/p" | head -n 1; }
json=(-H 'content-type: application/json')

# `staff_session ROLE [AGENCY]`: the session of AGENCY's demo ROLE (the first agency's).
staff_session() {
  local user password
  read -r user password < <(awk -v role="$1" -v agency="${2:-[a-z]+}" \
    '$1 ~ "^demo\\." agency "\\." role "$" { print $1, $2; exit }' "$dir/server.out")
  curl -fsS -o /dev/null -D - "${json[@]}" \
    --data "{\"username\":\"$user\",\"password\":\"$password\"}" "$base/api/v1/staff/session" \
    | cookie_value nafitha_staff || true
}
staff=$(staff_session admin)
intake=$(staff_session intake)

phone=0551230000
reference=$(curl -fsS "${json[@]}" -H "Idempotency-Key: fuzz-setup-$port" --data '{
  "service_code": "epm-road-damage", "locale": "en",
  "applicant": { "name": "Fuzz Applicant", "phone": "'$phone'" },
  "answers": { "damage": "pothole", "danger": "no", "details": "A hole",
    "location": { "address": "King Fahd Road, Dammam" } } }' "$base/api/v1/requests" \
  | sed -n 's/.*"reference":"\([0-9]*\)".*/\1/p')
# `approved_permit N`: a shop licence application by the citizen, with its document,
# approved by the municipality's supervisor (which bills its fee); prints its reference.
supervisor=$(staff_session supervisor epm)
if [ -z "$supervisor" ]; then
  echo "fuzz-api: could not prepare (the municipality's supervisor did not sign in)" >&2
  exit 1
fi
approved_permit() {
  local document filed
  document=$(printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' \
    | curl -fsS -H 'content-type: application/pdf' --data-binary @- \
      "$base/api/v1/uploads?service=epm-shop-health-licence&field=documents" \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  filed=$(curl -fsS "${json[@]}" -H "Idempotency-Key: fuzz-permit-$1-$port" --data '{
    "service_code": "epm-shop-health-licence", "locale": "en",
    "applicant": { "name": "Fuzz Applicant", "phone": "'$phone'" },
    "answers": { "cr_number": "1010654321", "licence_number": "M-4410", "workers": 3,
      "handles_food": "no", "documents": ["'$document'"] } }' "$base/api/v1/requests" \
    | sed -n 's/.*"reference":"\([0-9]*\)".*/\1/p')
  for action in '{"action":"acknowledge"}' '{"action":"resolve","message":"Approved"}'; do
    curl -fsS -o /dev/null "${json[@]}" -b "nafitha_staff=$supervisor" --data "$action" \
      "$base/api/v1/staff/requests/$filed/actions"
  done
  echo "$filed"
}
permits=("$(approved_permit 1)" "$(approved_permit 2)")
curl -fsS -o /dev/null "${json[@]}" -H "accept-language: en" --data "{\"phone\":\"$phone\"}" \
  "$base/api/v1/auth/otp"
code=
for _ in $(seq 1 50); do
  code=$(sed -n 's/.*sign-in code is \([0-9]\{6\}\).*/\1/p' "$dir/data/outbox.jsonl" 2>/dev/null | tail -n 1 || true)
  [ -n "$code" ] && break
  sleep 0.1
done
citizen=$(curl -fsS -o /dev/null -D - "${json[@]}" \
  --data "{\"phone\":\"$phone\",\"code\":\"$code\"}" "$base/api/v1/auth/verify" \
  | cookie_value nafitha_session)
# The first bill paid (through the log adapter, which pays at once): its licence.
bills=$(curl -fsS -b "nafitha_session=$citizen" "$base/api/v1/account/bills" \
  | python3 -c 'import json, sys; print(" ".join(b["number"] for b in json.load(sys.stdin)))' || true)
read -r paid unpaid _ <<<"$bills" || true
licence=$(curl -fsS -X POST -b "nafitha_session=$citizen" "$base/api/v1/account/bills/$paid/pay" \
  | sed -n 's/.*"licence":"\([0-9]*\)".*/\1/p' || true)
if [ -z "$staff" ] || [ -z "$intake" ] || [ -z "$citizen" ] || [ -z "$reference" ] \
  || [ -z "${permits[0]}" ] || [ -z "${permits[1]}" ] || [ -z "${unpaid:-}" ] \
  || [ -z "$licence" ]; then
  echo "fuzz-api: could not prepare (admin: ${staff:+yes}, intake: ${intake:+yes}," \
    "citizen: ${citizen:+yes}, request: ${reference:-none}, permits: ${permits[*]}," \
    "bills: ${bills:-none}, licence: ${licence:-none})" >&2
  exit 1
fi
export NAFITHA_FUZZ_STAFF_SESSION=$staff NAFITHA_FUZZ_CITIZEN_SESSION=$citizen

# Half the time, a path's reference, service code or number is one that exists (the
# citizen's requests, a service of the admin's agency, the citizen's unpaid bill and
# licence), so the fuzzer gets past "not found".
config="$dir/fuzz-api.toml"
cat scripts/fuzz-api.toml - >"$config" <<TOML

[dictionaries.references]
values = ["$reference", "${permits[0]}", "${permits[1]}"]

# A bill's number (fourteen digits) or a licence's (ten): the one left unpaid, the licence.
[dictionaries.numbers]
values = ["$unpaid", "$licence"]

[dictionaries.services]
values = ["epm-road-damage", "epm-bill-inquiry"]

[parameters]
"path.reference" = { dictionary = "references", probability = 0.5 }
"path.code" = { dictionary = "services", probability = 0.5 }
"path.number" = { dictionary = "numbers", probability = 0.5 }
"query.service" = { dictionary = "services", probability = 0.5 }
TOML

# Signing in or out would change the sessions the runs rely on: those operations are
# fuzzed in a last, short run without sessions. Intake staff's operations also run as a
# member of the intake staff.
sessions=(--exclude-operation-id sign_in --exclude-operation-id sign_out
  --exclude-operation-id sign_out_staff)
run() {
  "$venv/schemathesis" --config-file "$config" --no-color run "$dir/openapi.json" \
    --url "$base" --checks all --max-examples "$examples" --seed "$seed" \
    --workers 2 --request-timeout 30 "$@"
}
# Intake staff first: the admin's run may well disable their account (and so end their
# session), as an admin may. Each operation runs as the role it is for: the look-ups'
# audit is a supervisor's (the admin's run has it), filing for someone and looking them
# up are intake staff's (403 for an admin, as tested in crates/server/tests).
echo "fuzz-api: signed in as intake staff"
NAFITHA_FUZZ_STAFF_SESSION=$intake run --max-time 30 --include-tag intake \
  --exclude-operation-id list_lookups --exclude-operation-id export_lookups
echo "fuzz-api: signed in as an agency admin and as a citizen"
run --max-time "$seconds" "${sessions[@]}" --exclude-operation-id look_up \
  --exclude-operation-id create_filing --exclude-operation-id record_enquiry
echo "fuzz-api: signing in and out"
run --max-time 30 --include-operation-id sign_in --include-operation-id sign_out \
  --include-operation-id sign_out_staff
