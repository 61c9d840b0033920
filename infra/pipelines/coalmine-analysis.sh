#!/usr/bin/env bash
# Starts a Coalmine analysis and waits for its verdict, from any CI. Needs bash and curl.
#   COALMINE_URL=https://coalmine-x.azurewebsites.net COALMINE_KEY=<function key> coalmine-analysis.sh request.json
# Exit codes (as `coalmine run`): 0 pass, 1 fail, 2 marginal, 3 error or canceled, 64 usage.
# Optional: COALMINE_POLL_SECONDS (default 15), COALMINE_TIMEOUT_SECONDS (default 7200).
set -euo pipefail

request=${1:-}
if [[ -z "$request" || ! -r "$request" ]]; then
  echo "usage: COALMINE_URL=... [COALMINE_KEY=...] $0 <request.json>" >&2
  exit 64
fi
: "${COALMINE_URL:?COALMINE_URL must be set to the Coalmine base URL}"
base=${COALMINE_URL%/}
poll=${COALMINE_POLL_SECONDS:-15}
timeout=${COALMINE_TIMEOUT_SECONDS:-7200}
auth=()
if [[ -n "${COALMINE_KEY:-}" ]]; then auth=(-H "x-functions-key: ${COALMINE_KEY}"); fi

# Reads one top-level string or number field from a flat JSON document on stdin.
field() { tr -d '\n' | grep -o "\"$1\"[[:space:]]*:[[:space:]]*\(\"[^\"]*\"\|[-0-9.eE+]*\)" | head -n 1 | sed -E "s/^\"$1\"[[:space:]]*:[[:space:]]*\"?([^\"]*)\"?$/\1/"; }

response=$(mktemp)
trap 'rm -f "$response"' EXIT
code=$(curl -sS -o "$response" -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' \
  --data-binary "@${request}" "${base}/api/analyses")
if [[ "$code" != "202" && "$code" != "200" && "$code" != "201" ]]; then
  echo "coalmine: starting the analysis failed with HTTP ${code}:" >&2
  cat "$response" >&2; echo >&2
  exit 3
fi
id=$(field id < "$response")
echo "coalmine: analysis ${id} started; report: ${base}/api/analyses/${id}/report" >&2

deadline=$((SECONDS + timeout))
last=""
while :; do
  curl -sS -o "$response" "${auth[@]}" "${base}/api/analyses/${id}"
  state=$(field state < "$response")
  score=$(field score < "$response" || true)
  if [[ "$state:$score" != "$last" ]]; then
    echo "coalmine: state=${state} score=${score:-none}" >&2
    last="$state:$score"
  fi
  case "$state" in
    passed) cat "$response"; echo; exit 0 ;;
    failed) cat "$response"; echo; exit 1 ;;
    marginal) cat "$response"; echo; exit 2 ;;
    error|canceled) cat "$response"; echo; exit 3 ;;
  esac
  if (( SECONDS >= deadline )); then
    echo "coalmine: gave up waiting after ${timeout}s (analysis ${id} is still ${state})" >&2
    exit 3
  fi
  sleep "$poll"
done
