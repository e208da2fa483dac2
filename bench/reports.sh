#!/usr/bin/env bash
# Report builds over the large demo organization (1,051,200 metric points, 10,000+ risks, 5,200
# incidents over a year), per kind and format: the stages the CLI reports (query, aggregate,
# render), the whole command's wall time and peak RSS (GNU time), and the board report end to end
# over HTTP on a running server. Baselines in the same run: the metrics report's aggregation
# against DuckDB (in memory, quantile_cont) and SQLite GROUP BY over the same rows (1,000,000
# points ingested into a second organization, in a period apart from its demo points).
#   bench/reports.sh target/release/accord
# Needs python3 (duckdb goes into ~/.cache/accord-bench-venv on first run), curl and GNU time.
set -euo pipefail
bin=${1:?usage: bench/reports.sh ACCORD_BINARY}
points=${POINTS:-1000000}
venv="$HOME/.cache/accord-bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import duckdb" 2>/dev/null || "$venv/bin/pip" install -q "duckdb==2.0.1"
py="$venv/bin/python"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/graphql_lib.sh
source "$here/graphql_lib.sh"
data="$work/data"
export NO_COLOR=1

start=$(date +%s)
"$bin" demo seed --org acme --size large --data-dir "$data" >/dev/null
echo "large demo seeded in $(( $(date +%s) - start )) s"
year="$(date -u -d '-365 days' +%Y-%m-%d)..$(date -u +%Y-%m-%d)"

build() { # org kind period format -> "query aggregate render wall_s rss_mib bytes"
  local org=$1 kind=$2 period=$3 format=$4 out="$work/out.$4"
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" report build --org "$org" --kind "$kind" \
    --period "$period" --format "$format" -o "$out" --data-dir "$data" 2>"$work/err" >/dev/null \
    || { cat "$work/err"; exit 1; }
  local line; line=$(grep -o 'query [0-9]* ms, aggregate [0-9]* ms, render [0-9]* ms' "$work/err")
  read -r wall rss <"$work/time"
  echo "$line" | awk -v wall="$wall" -v rss="$rss" -v bytes="$(stat -c %s "$out")" \
    '{ printf "%s %s %s %s %d %d\n", $2, $5, $8, wall, rss / 1024, bytes }'
}

echo "== per kind and format (CLI, embedded SQLite, period $year)"
printf '%-17s %-5s %8s %10s %9s %8s %9s %10s\n' kind format query_ms aggregate_ms render_ms wall_s rss_mib bytes
for kind in governance-board compliance soa escalation metrics; do
  for format in json html pdf xlsx csv; do
    read -r q a r w m b <<<"$(build acme "$kind" "$year" "$format")"
    printf '%-17s %-5s %8s %10s %9s %8s %9s %10s\n' "$kind" "$format" "$q" "$a" "$r" "$w" "$m" "$b"
  done
done

echo "== board report end to end over HTTP (warm server, median of 5 after one warm-up)"
token=$("$bin" token issue --sub bench --org acme --role admin --ttl 1h --data-dir "$data")
ACCORD_JOBS__ENABLED=false launch_server "$data"
for format in json pdf; do
  times=()
  for i in 0 1 2 3 4 5; do
    t=$(curl -s -o "$work/board.$format" -w '%{time_total}' -H "Authorization: Bearer $token" \
      "http://$addr/reports/governance-board?format=$format&period=$year")
    [ "$i" = 0 ] || times+=("$t")
  done
  "$py" -c "import statistics,sys; print(f'board {sys.argv[1]}: {statistics.median(map(float, sys.argv[2:])):.3f} s')" "$format" "${times[@]}"
done
echo "server peak RSS: $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server/status") MiB"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

echo "== aggregation against DuckDB and SQLite over the same $points points"
"$bin" demo seed --org points --size small --data-dir "$data" >/dev/null
"$py" "$here/metrics_data.py" "$points" "$work/points.csv" 60
"$bin" metrics import --org points "$work/points.csv" --data-dir "$data" >/dev/null 2>&1
first=$("$py" -c "import csv; r=csv.reader(open('$work/points.csv')); next(r); print(next(r)[2][:10])")
last=$(date -u -d '-60 days' +%Y-%m-%d)
aggregates=()
for _ in 1 2 3 4 5; do
  read -r _ a _ _ _ _ <<<"$(build points metrics "$first..$last" json)"
  aggregates+=("$a")
done
read -r duck lite <<<"$("$py" "$here/metrics_baseline.py" rollup "$work/points.csv")"
"$py" - "$duck" "$lite" "${aggregates[@]}" <<'PY'
import statistics, sys
duck, lite = float(sys.argv[1]), float(sys.argv[2])
accord = statistics.median(map(float, sys.argv[3:])) / 1000
print(f"metrics report aggregation (reads and decodes the stored chunks too): {accord:.3f} s; "
      f"duckdb {duck:.3f} s ({accord / duck:.2f}x duckdb); sqlite GROUP BY (mean/max only) {lite:.3f} s ({accord / lite:.2f}x)")
PY
