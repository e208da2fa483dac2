#!/usr/bin/env bash
# Cold start to ready: starts `accord serve` on the embedded database, polls /readyz until it
# answers 200, then stops the server with SIGTERM. `fresh` (default) starts from an empty data
# directory (migrations, catalog load, library checks); `warm` reuses the previous one (the
# baseline). Time it as a whole process, e.g. `hyperfine 'bench/cold_start.sh target/release/accord'`
# or `/usr/bin/time -v`, which also reports the server's peak RSS.
set -euo pipefail
bin=${1:?usage: bench/cold_start.sh ACCORD_BINARY [fresh|warm]}
mode=${2:-fresh}
# (Not ACCORD_* variables: accord refuses unknown ACCORD_ keys.)
dir=${BENCH_DATA_DIR:-/tmp/accord-cold-start}
[ "$mode" = fresh ] && rm -rf "$dir"
port=$((20000 + RANDOM % 20000))
start=$(date +%s%N)
"$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir" >"${BENCH_LOG:-/dev/null}" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 3000); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "ready_ms=$((($(date +%s%N) - start) / 1000000))" >&2
    break
  fi
  sleep 0.005
done
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
