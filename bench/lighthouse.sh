#!/usr/bin/env bash
# Lighthouse 12.8.2 (its mobile profile: simulated slow 4G, 4x CPU slow-down; Debian's
# Chromium) on the four public pages of the current build, served by the release server
# on a fresh, seeded database with one filed request to track. Prints one Markdown row a
# page: performance score, LCP, CLS, accessibility score (the median of RUNS runs).
# Not a CI gate: Lighthouse is noisy on shared machines; the size check is the gate.
#   bench/lighthouse.sh             (builds what is missing with `make build`)
#   RUNS=5 bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${RUNS:-3}
tools=bench/.lighthouse
lighthouse=$tools/node_modules/.bin/lighthouse
[ -x "$lighthouse" ] || npm install --silent --no-audit --no-fund --prefix "$tools" lighthouse@12.8.2
server=${CARGO_TARGET_DIR:-target}/release/nafitha-server
[ -f dist/index.html ] && [ -x "$server" ] || make build

serve_seeded "$server" lighthouse
# A request to track, filed as the app files one.
reference=$(file_one_request)

echo "| page | performance | LCP | CLS | accessibility |"
echo "|---|---:|---:|---:|---:|"
for page in / /services/epm-construction-permit "/track?ref=$reference" /performance; do
  for run in $(seq "$runs"); do
    CHROME_PATH=/usr/bin/chromium "$lighthouse" "$base$page" --quiet \
      --only-categories=performance,accessibility --output=json \
      --output-path="$data/run-$run.json" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
      >/dev/null 2>&1
  done
  python3 - "$page" "$data"/run-*.json <<'PY'
import json, statistics, sys
page, files = sys.argv[1], sys.argv[2:]
reports = [json.load(open(f)) for f in files]
def median(get):
    return statistics.median(get(r) for r in reports)
performance = median(lambda r: r["categories"]["performance"]["score"] * 100)
lcp = median(lambda r: r["audits"]["largest-contentful-paint"]["numericValue"] / 1000)
cls = median(lambda r: r["audits"]["cumulative-layout-shift"]["numericValue"])
accessibility = median(lambda r: r["categories"]["accessibility"]["score"] * 100)
shown = page.split("?")[0] + ("?ref=…" if "?" in page else "")
print(f"| `{shown}` | {performance:.0f} | {lcp:.1f} s | {cls:.2f} | {accessibility:.0f} |")
PY
  rm -f "$data"/run-*.json
done
