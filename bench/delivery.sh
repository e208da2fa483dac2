#!/usr/bin/env bash
# Delivery throughput: one run of a schedule with N recipients (default 1000) sent through a loopback
# SMTP sink (aiosmtpd). Prints messages per second and the time from "send now" to the last message
# delivered, then repeats against a throttled sink (each DATA held DELAY seconds) while sampling the
# server's resident memory, to show the queue in the database keeps memory flat.
#   bench/delivery.sh target/release/accord [RECIPIENTS] [DELAY]
set -euo pipefail
bin=${1:?usage: bench/delivery.sh ACCORD_BINARY [RECIPIENTS] [DELAY]}
recipients=${2:-1000}
delay=${3:-0.05}
python=${TEST_SMTP_PYTHON:-$HOME/.cache/accord-venv/bin/python}
"$python" -c "import aiosmtpd" || { echo "aiosmtpd is needed: $python -m pip install aiosmtpd" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_case() {
  local label=$1 sink_delay=$2
  local port; port=$(free_port)
  local data="$work/$label"
  mkdir -p "$data"
  echo 0 >"$data/count"
  PYTHONPATH="$here" "$python" -m aiosmtpd -n -l "127.0.0.1:$port" -c smtp_sink.Sink "$data/count" "$sink_delay" &
  pids+=($!)
  "$bin" demo seed --org acme --size small --data-dir "$data" >/dev/null
  local token; token=$("$bin" token issue --sub bench --org acme --role admin --ttl 1h --data-dir "$data")
  ACCORD_RATE_LIMIT__ENABLED=false ACCORD_MAIL__TRANSPORT=smtp ACCORD_MAIL__SMTP__HOST=127.0.0.1 \
    ACCORD_MAIL__SMTP__PORT=$port ACCORD_MAIL__SMTP__SECURITY=plain ACCORD_JOBS__POLL_INTERVAL_MS=100 \
    ACCORD_JOBS__CONCURRENCY=8 NO_COLOR=1 "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" >"$data/serve.log" 2>&1 &
  local server=$!
  pids+=($server)
  local addr=""
  for _ in $(seq 1 100); do
    addr=$(grep -o 'accord listening on http://[0-9.:]*' "$data/serve.log" | sed 's|.*http://||' || true)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$data/serve.log"; exit 1; }
  local list; list=$("$python" -c "import json; print(json.dumps(['r%d@bench.test' % i for i in range($recipients)]))")
  local gql="http://$addr/graphql"
  local body; body=$("$python" -c "
import json,sys
q='mutation(\$i: ReportScheduleInput!) { createReportSchedule(input: \$i) { id } }'
print(json.dumps({'query': q, 'variables': {'i': {'name': 'bench', 'cron': '0 0 1 1 *', 'formats': ['html'], 'recipients': {'addresses': json.loads(sys.argv[1])}}}}))" "$list")
  local schedule; schedule=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" "$gql" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["data"]["createReportSchedule"]["id"])')
  local start; start=$(date +%s.%N)
  curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"query\":\"mutation { sendReportScheduleNow(id: \\\"$schedule\\\") { id } }\"}" "$gql" >/dev/null
  local peak=0 rss count
  while true; do
    count=$(cat "$data/count" 2>/dev/null || true)
    count=${count:-0}
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || true)
    rss=${rss:-0}
    [ "$rss" -gt "$peak" ] && peak=$rss
    [ "$count" -ge "$recipients" ] && break
    sleep 0.2
  done
  local end; end=$(date +%s.%N)
  "$python" -c "
elapsed=$end-$start
print(f'%-10s %6d messages in %6.2f s: %7.1f msg/s, peak RSS %d MiB' % ('$label', $recipients, elapsed, $recipients/elapsed, $peak//1024))"
  kill "$server"
}

run_case loopback 0
run_case throttled "$delay"
