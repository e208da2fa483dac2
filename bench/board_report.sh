#!/usr/bin/env bash
# Governance-board report build time against register size: seeds a `small` demo organization
# (5 AI systems, 13 risks; the baseline) and a `large` one (40 systems, 105 risks) once, then
# builds the HTML report of either. Time each as a whole process against the other, e.g.
#   bench/board_report.sh target/release/accord seed
#   hyperfine 'bench/board_report.sh target/release/accord small' 'bench/board_report.sh target/release/accord large'
# or `/usr/bin/time -v` for peak RSS. The report queries every record, aggregates with polars and
# verifies the audit chain, so the large/small ratio shows how it scales with the records.
set -euo pipefail
bin=${1:?usage: bench/board_report.sh ACCORD_BINARY seed|small|large}
what=${2:?usage: bench/board_report.sh ACCORD_BINARY seed|small|large}
# (Not ACCORD_* variables: accord refuses unknown ACCORD_ keys.)
root=${BENCH_DATA_DIR:-/tmp/accord-board-report}
case "$what" in
  seed)
    rm -rf "$root"
    "$bin" demo seed --org small --size small --data-dir "$root/small" >/dev/null
    "$bin" demo seed --org large --size large --data-dir "$root/large" >/dev/null
    ;;
  small | large)
    "$bin" report build --org "$what" --format html --out "$root/$what.html" \
      --data-dir "$root/$what" 2>/dev/null
    ;;
  *)
    echo "unknown step '$what': seed, small or large" >&2
    exit 2
    ;;
esac
