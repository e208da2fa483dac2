#!/usr/bin/env bash
# Lineage walks on synthetic layered graphs of 10,000 and 100,000 edges (100 nodes a layer, two
# edges out of each): downstream from the first source and upstream from the last node, 50 levels
# and 2,000 nodes at most (more nodes ask a query complexity over the default limit), over
# GraphQL against a release server on the embedded database.
# Prints each query's median time of 20 requests, the nodes reached, the server's peak
# RSS, and the 100k/10k time ratio: at most linear in the nodes reached means ~1x when both graphs
# let the walk reach the same nodes.
#   bench/lineage.sh target/release/accord
set -euo pipefail
bin=${1:?usage: bench/lineage.sh ACCORD_BINARY}
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

declare -A median
for edges in 10000 100000; do
  data="$work/data-$edges"
  "$bin" demo seed --org acme --size small --data-dir "$data" >/dev/null
  read -r _ _ _ _ _ _ _ _ first _ _ last < <("$bin" demo lineage --org acme --edges "$edges" --data-dir "$data" | tr -d ',')
  token=$("$bin" token issue --sub bench --org acme --role admin --ttl 1h --data-dir "$data")
  ACCORD_RATE_LIMIT__ENABLED=false NO_COLOR=1 "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" >"$work/serve.log" 2>&1 &
  server=$!
  addr=""
  for _ in $(seq 1 100); do
    addr=$(grep -o 'accord listening on http://[0-9.:]*' "$work/serve.log" | sed 's|.*http://||' || true)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$work/serve.log"; exit 1; }
  for direction in downstream upstream; do
    node=$first; field=lineageDownstream
    [ "$direction" = upstream ] && { node=$last; field=lineageUpstream; }
    body=$(printf '{"query":"{ %s(of: { nodeId: \\"%s\\" }, maxDepth: 50, maxNodes: 2000) { truncated nodes { depth } } }"}' "$field" "$node")
    reached=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$body" "http://$addr/graphql" \
      | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"][sys.argv[1]]["nodes"]))' "$field")
    times=()
    for _ in $(seq 1 20); do
      times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$body" "http://$addr/graphql")")
    done
    m=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] * 1000 }')
    median[$direction-$edges]=$m
    rss=$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$server/status")
    printf '%-7s edges %-10s nodes reached %-6s median %8.1f ms  server peak RSS %.0f MiB\n' "$edges" "$direction" "$reached" "$m" "$rss"
  done
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done
for direction in downstream upstream; do
  awk -v a="${median[$direction-100000]}" -v b="${median[$direction-10000]}" -v d="$direction" \
    'BEGIN { printf "%s: 100k/10k time ratio %.2fx\n", d, a / b }'
done
