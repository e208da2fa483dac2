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
# shellcheck source=bench/graphql_lib.sh
source "$(dirname "$0")/graphql_lib.sh"

"$bin" demo seed --org acme --size small --data-dir "$work/data" >/dev/null
token=$("$bin" token issue --sub bench --org acme --role admin --ttl 1h --data-dir "$work/data")
echo "response cache: ${RESPONSE_CACHE:-true}"
start_server "$work/data"
run_query baseline '{ __typename }'
run_query crosswalk_one '{ crosswalk(from: \"nist-ai-rmf\", to: \"iso-iec-42001\", requirement: \"GOVERN 1.1\") { totalCount edges { node { target { refId } relationship inferred } } } }'
run_query crosswalk_pair '{ crosswalk(from: \"nist-csf\", to: \"iso-iec-42001\", first: 1000) { totalCount edges { node { source { refId } target { refId } relationship } } } }'
run_query coverage '{ coverage(framework: \"nist-csf\") { totals { satisfied partial notCovered percentSatisfied } } }'
run_query requirements '{ requirements(framework: \"nist-csf\", first: 134) { totalCount edges { node { refId text } } } }'
