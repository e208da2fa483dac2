#!/usr/bin/env bash
# GraphQL read throughput against the `{ __typename }` baseline, measured in the same run:
# one release server on the embedded database with the small demo organization seeded, rate limit
# off, wrk (Debian) with 16 connections for a fixed duration per query, authenticated as an admin.
# Prints requests/s, p50 and p99 per query and the ratio to the baseline. Targets (issue
# "Foundations"): crosswalk for one requirement >= 0.5x, a whole framework pair >= 0.1x,
# coverage >= 0.3x, requirements (134 rows) >= 0.3x, p99 < 25 ms.
# RESPONSE_CACHE=false measures with finished responses not kept (every request executes).
#   bench/graphql_throughput.sh target/release/accord [SECONDS]
set -euo pipefail
bin=${1:?usage: bench/graphql_throughput.sh ACCORD_BINARY [SECONDS]}
seconds=${2:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" demo seed --org acme --size small --data-dir "$work/data" >/dev/null
token=$("$bin" token issue --sub bench --org acme --role admin --ttl 1h --data-dir "$work/data")
echo "response cache: ${RESPONSE_CACHE:-true}"
ACCORD_RATE_LIMIT__ENABLED=false ACCORD_GRAPHQL__RESPONSE_CACHE=${RESPONSE_CACHE:-true} NO_COLOR=1 "$bin" serve --listen 127.0.0.1:0 \
  --data-dir "$work/data" >"$work/serve.log" 2>&1 &
server=$!
addr=""
for _ in $(seq 1 100); do
  addr=$(grep -o 'accord listening on http://[0-9.:]*' "$work/serve.log" | sed 's|.*http://||' || true)
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { cat "$work/serve.log"; exit 1; }

# wrk script: POST the body in $BODY_FILE with the token; count GraphQL errors as failures.
cat >"$work/post.lua" <<LUA
local f = io.open(os.getenv("BODY_FILE"), "r")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local errors = 0
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + errors))
end
LUA

declare -A queries=(
  [baseline]='{ __typename }'
  [crosswalk_one]='{ crosswalk(from: \"nist-ai-rmf\", to: \"iso-iec-42001\", requirement: \"GOVERN 1.1\") { totalCount edges { node { target { refId } relationship inferred } } } }'
  [crosswalk_pair]='{ crosswalk(from: \"nist-csf\", to: \"iso-iec-42001\", first: 1000) { totalCount edges { node { source { refId } target { refId } relationship } } } }'
  [coverage]='{ coverage(framework: \"nist-csf\") { totals { satisfied partial notCovered percentSatisfied } } }'
  [requirements]='{ requirements(framework: \"nist-csf\", first: 134) { totalCount edges { node { refId text } } } }'
)
declare -A rps
printf '%-16s %10s %9s %9s %7s %8s\n' query req/s p50_ms p99_ms errors ratio
for name in baseline crosswalk_one crosswalk_pair coverage requirements; do
  printf '{"query":"%s"}' "${queries[$name]}" >"$work/$name.json"
  # One warm-up request so the read model is built before timing.
  curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data @"$work/$name.json" "http://$addr/graphql"
  read -r _ r p50 p99 errs < <(BODY_FILE="$work/$name.json" wrk -t2 -c16 -d"${seconds}s" \
    -s "$work/post.lua" "http://$addr/graphql" | grep '^RESULT')
  rps[$name]=$r
  ratio=$(awk -v a="$r" -v b="${rps[baseline]}" 'BEGIN { printf "%.3f", a / b }')
  printf '%-16s %10s %9s %9s %7s %8s\n' "$name" "$r" "$p50" "$p99" "$errs" "$ratio"
done
