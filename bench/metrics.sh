#!/usr/bin/env bash
# Metrics ingest and rollup, with baselines measured in the same run.
#   bench/metrics.sh target/release/accord [POINTS] [BIG_POINTS]
# 1. Ingest POINTS (default 1,000,000) through POST /ingest/metrics into SQLite and into PostgreSQL
#    (TEST_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres): points/s and
#    the server's peak RSS, against a bare bulk insert of the same rows into SQLite (Python's
#    sqlite3, one transaction, executemany).
# 2. The daily mean/p95/max rollup of every series (`metricSummary(window: day)` over the whole
#    period) at POINTS and BIG_POINTS (default 10,000,000), median of 5, against DuckDB over the
#    same rows in memory (quantile_cont) and SQLite GROUP BY (mean/max; SQLite has no p95), with the
#    server's peak RSS.
# Needs python3 with duckdb (installed into ~/.cache/accord-bench-venv on first run) and curl.
set -euo pipefail
bin=${1:?usage: bench/metrics.sh ACCORD_BINARY [POINTS] [BIG_POINTS]}
points=${2:-1000000}
big=${3:-10000000}
pg=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
venv="$HOME/.cache/accord-bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import duckdb" 2>/dev/null || "$venv/bin/pip" install -q "duckdb==2.0.1"
py="$venv/bin/python"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Points of 25 series (5 systems x 5 metrics of the small demo), one a minute back from now.
generate() { "$py" "$here/metrics_data.py" "$1" "$2"; }

start_server() { # data dir, database url or "", jobs enabled (true|false)
  local data=$1 url=$2 jobs=${3:-true}
  if [ -n "$url" ]; then export DATABASE_URL=$url; else unset DATABASE_URL; fi
  ACCORD_RATE_LIMIT__ENABLED=false ACCORD_JOBS__ENABLED=$jobs NO_COLOR=1 "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" >"$data/serve.log" 2>&1 &
  server=$!
  addr=""
  for _ in $(seq 1 200); do
    addr=$(grep -o 'accord listening on http://[0-9.:]*' "$data/serve.log" | sed 's|.*http://||' || true)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$data/serve.log"; exit 1; }
}

peak_rss() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$server/status"; }

ingest() { # csv file -> seconds
  local start end
  start=$(date +%s.%N)
  code=$(curl -s -o "$work/ingest.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: text/csv' --data-binary @"$1" "http://$addr/ingest/metrics")
  end=$(date +%s.%N)
  [ "$code" = 200 ] || { echo "ingest failed: $code $(head -c 500 "$work/ingest.json")"; exit 1; }
  "$py" -c "print($end - $start)"
}

rollup() { # median seconds of 5 metricSummary calls over the whole period
  local from; from=$(date -u -d '-366 days' +%Y-%m-%dT%H:%M:%SZ)
  local q="{\"query\":\"{ metricSummary(window: day, from: \\\"$from\\\", first: 1000) { nodes { count p95 } } }\"}"
  local times=()
  for _ in 1 2 3 4 5 6; do
    local start end
    start=$(date +%s.%N)
    curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$q" "http://$addr/graphql" >"$work/rollup.json"
    end=$(date +%s.%N)
    times+=("$("$py" -c "print($end - $start)")")
  done
  grep -q '"errors"' "$work/rollup.json" && { head -c 500 "$work/rollup.json"; exit 1; }
  # The first call warms the server; the median of the other five.
  "$py" -c "import statistics,sys; print(statistics.median(map(float, sys.argv[2:])))" "${times[@]}"
}

prepare() { # label, database url -> starts a server on a seeded organization
  local data="$work/$1"
  mkdir -p "$data"
  if [ -n "$2" ]; then export DATABASE_URL=$2; else unset DATABASE_URL; fi
  "$bin" demo seed --org bench --size small --data-dir "$data" >/dev/null
  token=$("$bin" token issue --sub bench --org bench --role admin --ttl 2h --data-dir "$data")
  start_server "$data" "$2"
}

echo "== data"
generate "$points" "$work/points.csv"
ls -l "$work/points.csv" | awk '{printf "%s points, %.1f MB CSV\n", '"$points"', $5/1e6}'

echo "== ingest of $points points"
baseline=$("$py" "$here/metrics_baseline.py" sqlite-insert "$work/points.csv")
echo "baseline: bare SQLite bulk insert: $baseline s"
prepare sqlite ""
t=$(ingest "$work/points.csv")
"$py" -c "print(f'sqlite:   {$t:.2f} s, {$points/$t:,.0f} points/s, ratio to bare insert {$baseline/$t:.2f}x, peak RSS $(peak_rss) MiB')"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
# Rollups on a fresh server without the job runner: the figures are the query's alone (no
# evaluation or compaction running beside it) and the peak RSS is the rollup's, not the ingest's.
start_server "$work/sqlite" "" false
sqlite_roll=$(rollup)
small_rss=$(peak_rss)
kill "$server"; wait "$server" 2>/dev/null || true; server=""

dbname="accord_bench_$$"
psql "$pg" -qc "CREATE DATABASE $dbname" >/dev/null
pgurl="${pg%/*}/$dbname"
prepare postgres "$pgurl"
t=$(ingest "$work/points.csv")
"$py" -c "print(f'postgres: {$t:.2f} s, {$points/$t:,.0f} points/s, ratio to bare insert {$baseline/$t:.2f}x, peak RSS $(peak_rss) MiB')"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
psql "$pg" -qc "DROP DATABASE $dbname" >/dev/null

echo "== daily rollup (mean, p95, max per series and day)"
read -r duck lite <<<"$("$py" "$here/metrics_baseline.py" rollup "$work/points.csv")"
"$py" -c "print(f'$points points: accord {$sqlite_roll:.3f} s, duckdb {$duck:.3f} s ({$sqlite_roll/$duck:.2f}x duckdb), sqlite GROUP BY (mean/max only) {$lite:.3f} s ({$sqlite_roll/$lite:.2f}x); server peak RSS $small_rss MiB')"

generate "$big" "$work/big.csv"
prepare big ""
# One request may carry 5M points: split the file.
"$py" - "$work/big.csv" "$work" <<'EOF'
import sys
src, out = sys.argv[1], sys.argv[2]
with open(src) as f:
    header = f.readline()
    part, n, w = 0, 0, None
    for line in f:
        if n % 2_000_000 == 0:
            if w: w.close()
            w = open(f"{out}/big-{part}.csv", "w"); w.write(header); part += 1
        w.write(line); n += 1
    w.close()
EOF
total=0
for part in "$work"/big-*.csv; do t=$(ingest "$part"); total=$("$py" -c "print($total + $t)"); done
"$py" -c "print(f'ingest of $big points in 2M requests: {$total:.1f} s, {$big/$total:,.0f} points/s')"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
start_server "$work/big" "" false
big_roll=$(rollup)
rss=$(peak_rss)
read -r duck lite <<<"$("$py" "$here/metrics_baseline.py" rollup "$work/big.csv")"
"$py" -c "print(f'$big points: accord {$big_roll:.3f} s, duckdb {$duck:.3f} s ({$big_roll/$duck:.2f}x duckdb), sqlite GROUP BY (mean/max only) {$lite:.3f} s ({$big_roll/$lite:.2f}x); server peak RSS $rss MiB')"
