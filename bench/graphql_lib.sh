# Shared by the GraphQL throughput benchmarks (sourced, not run): a release server on the
# embedded database with the rate limit off, and wrk (Debian) POSTing one query per run with an
# admin token, counting GraphQL errors as failures. Callers set `bin`, `work` and `token`.

# Starts `$bin serve` on a free loopback port over `$1` (a data dir); sets `server` and `addr`.
launch_server() {
  ACCORD_RATE_LIMIT__ENABLED=false ACCORD_GRAPHQL__RESPONSE_CACHE=${RESPONSE_CACHE:-true} NO_COLOR=1 \
    "$bin" serve --listen 127.0.0.1:0 --data-dir "$1" >"$work/serve.log" 2>&1 &
  server=$!
  addr=""
  for _ in $(seq 1 100); do
    addr=$(grep -o 'accord listening on http://[0-9.:]*' "$work/serve.log" | sed 's|.*http://||' || true)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$work/serve.log"; exit 1; }
}

# launch_server, then prepares wrk's script and prints the table header.
start_server() {
  launch_server "$1"
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
  printf '%-16s %10s %9s %9s %7s %8s\n' query req/s p50_ms p99_ms errors ratio
}

# Times query `$2` (GraphQL text, JSON-escaped) as `$1` for `$seconds` with 16 connections and
# prints its row; the first run must be the `baseline`, whose rate the others are divided by.
declare -A rps
run_query() {
  local name=$1 query=$2
  printf '{"query":"%s"}' "$query" >"$work/$name.json"
  # One warm-up request so caches and read models are built before timing.
  curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data @"$work/$name.json" "http://$addr/graphql"
  read -r _ r p50 p99 errs < <(BODY_FILE="$work/$name.json" wrk -t2 -c16 -d"${seconds}s" \
    -s "$work/post.lua" "http://$addr/graphql" | grep '^RESULT')
  rps[$name]=$r
  ratio=$(awk -v a="$r" -v b="${rps[baseline]}" 'BEGIN { printf "%.3f", a / b }')
  printf '%-16s %10s %9s %9s %7s %8s\n' "$name" "$r" "$p50" "$p99" "$errs" "$ratio"
}
