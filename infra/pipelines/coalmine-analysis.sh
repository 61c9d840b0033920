#!/usr/bin/env bash
# Starts a Coalmine analysis and waits for its verdict, from any CI. Needs bash and curl.
#   COALMINE_URL=https://coalmine-x.azurewebsites.net COALMINE_KEY=<host key> coalmine-analysis.sh request.json
# COALMINE_KEY is a host key of the Function App (every route is its own Function, so a function key of one route
# is refused by the others; see docs/http-api.md "Authentication"). `coalmine serve` takes its --function-key.
# Exit codes (as `coalmine run`): 0 pass, 1 fail, 2 marginal, 3 error, canceled, refused or timed out,
# 64 usage or a request the server rejects as invalid (HTTP 400/413/422).
# Transient answers (network errors, 408, 429, 5xx, answers that are not JSON) are retried with backoff until
# the timeout, while starting and while polling.
# Optional: COALMINE_POLL_SECONDS (default 15), COALMINE_TIMEOUT_SECONDS (default 7200),
# COALMINE_RETRY_SECONDS (first backoff, default 2; doubles up to 60).
set -euo pipefail

request=${1:-}
if [[ -z "$request" || ! -r "$request" ]]; then
  echo "usage: COALMINE_URL=... [COALMINE_KEY=<host key>] $0 <request.json>" >&2
  exit 64
fi
if [[ -z "${COALMINE_URL:-}" ]]; then
  echo "coalmine: COALMINE_URL must be set to the Coalmine base URL" >&2
  exit 64
fi
base=${COALMINE_URL%/}
poll=${COALMINE_POLL_SECONDS:-15}
timeout=${COALMINE_TIMEOUT_SECONDS:-7200}
first_backoff=${COALMINE_RETRY_SECONDS:-2}
auth=()
if [[ -n "${COALMINE_KEY:-}" ]]; then auth=(-H "x-functions-key: ${COALMINE_KEY}"); fi

# Reads one top-level string or number field from a flat JSON document on stdin.
field() { tr -d '\n' | grep -o "\"$1\"[[:space:]]*:[[:space:]]*\(\"[^\"]*\"\|[-0-9.eE+]*\)" | head -n 1 | sed -E "s/^\"$1\"[[:space:]]*:[[:space:]]*\"?([^\"]*)\"?$/\1/"; }
is_json() { [[ "$(tr -d ' \t\r\n' < "$1" | head -c 1)" == "{" ]]; }

response=$(mktemp)
headers=$(mktemp)
trap 'rm -f "$response" "$headers"' EXIT
deadline=$((SECONDS + timeout))
backoff=$first_backoff

# Waits before the next attempt after a transient answer (Retry-After honoured), or gives up at the deadline.
retry_later() {
  local what=$1 wait=$backoff retry_after
  retry_after=$(tr -d '\r' < "$headers" | grep -i '^retry-after:' | head -n 1 | sed -E 's/^[^:]*:[[:space:]]*//' || true)
  if [[ "$retry_after" =~ ^[0-9]+$ ]]; then wait=$retry_after; fi
  if awk -v s="$SECONDS" -v w="$wait" -v d="$deadline" 'BEGIN { exit !(s + w >= d) }'; then
    echo "coalmine: gave up after ${timeout}s: ${what}" >&2
    exit 3
  fi
  echo "coalmine: ${what}; retrying in ${wait}s" >&2
  sleep "$wait"
  backoff=$(awk -v b="$backoff" 'BEGIN { b *= 2; print (b > 60 ? 60 : b) }')
}

# One request; sets $code. Returns 0 on a JSON 2xx answer, 1 on a transient failure (message in $transient).
# Exits 3 (refused, not found, other 4xx) or 64 (invalid request) on answers that retrying cannot change.
call() {
  local phase=$1
  shift
  : > "$headers"
  local rc=0
  code=$(curl -sS --connect-timeout 10 --max-time 60 -o "$response" -D "$headers" -w '%{http_code}' \
    "${auth[@]}" "$@") || rc=$?
  if (( rc != 0 )); then transient="network error while ${phase} (curl exit ${rc})"; return 1; fi
  case "$code" in
    2??)
      if is_json "$response"; then return 0; fi
      transient="HTTP ${code} without JSON while ${phase}"; return 1 ;;
    408|429|5??) transient="HTTP ${code} while ${phase}"; return 1 ;;
    401|403)
      echo "coalmine: HTTP ${code} while ${phase}: the key was refused. Set COALMINE_KEY to a host key of the Function App (a function key of another route is refused)." >&2
      exit 3 ;;
    404)
      if [[ "$phase" == starting ]]; then
        echo "coalmine: HTTP 404 while starting: no Coalmine API at ${base}/api/analyses; check COALMINE_URL." >&2
      else
        echo "coalmine: HTTP 404 while ${phase}: the analysis is gone (purged, or another Coalmine)." >&2
      fi
      exit 3 ;;
    400|413|422)
      echo "coalmine: HTTP ${code} while ${phase}: the request was rejected:" >&2
      cat "$response" >&2; echo >&2
      if [[ "$phase" == starting ]]; then exit 64; fi
      exit 3 ;;
    *)
      echo "coalmine: HTTP ${code} while ${phase}:" >&2
      cat "$response" >&2; echo >&2
      exit 3 ;;
  esac
}

until call starting -H 'Content-Type: application/json' --data-binary "@${request}" "${base}/api/analyses"; do
  retry_later "$transient"
done
id=$(field id < "$response")
if [[ -z "$id" ]]; then
  echo "coalmine: the start answer has no id:" >&2
  cat "$response" >&2; echo >&2
  exit 3
fi
echo "coalmine: analysis ${id} started; report: ${base}/api/analyses/${id}/report" >&2

backoff=$first_backoff
last=""
while :; do
  if ! call polling "${base}/api/analyses/${id}"; then
    retry_later "$transient"
    continue
  fi
  backoff=$first_backoff
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
