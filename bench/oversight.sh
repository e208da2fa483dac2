#!/usr/bin/env bash
# Oversight queries over the large demo organization (5,200 incidents over a year, 10,000+ risks,
# audits with findings and corrective actions): open incidents past their response times and
# overdue corrective actions, as req/s against the `{ __typename }` baseline in the same run
# (release server, embedded database, rate limit off, wrk with 16 connections, admin token).
# RESPONSE_CACHE=false makes every request execute (default: finished responses may be reused
# until the next write).
#   bench/oversight.sh target/release/accord [SECONDS]
set -euo pipefail
bin=${1:?usage: bench/oversight.sh ACCORD_BINARY [SECONDS]}
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

start=$(date +%s)
"$bin" demo seed --org acme --size large --data-dir "$work/data"
echo "large demo seeded in $(( $(date +%s) - start )) s"
token=$("$bin" token issue --sub bench --org acme --role admin --ttl 1h --data-dir "$work/data")
echo "response cache: ${RESPONSE_CACHE:-true}"
start_server "$work/data"
run_query baseline '{ __typename }'
run_query incidents_past_sla '{ incidents(pastSla: true, first: 100) { totalCount edges { node { id severity status acknowledgeDueAt resolveDueAt } } } }'
run_query overdue_actions '{ correctiveActions(overdue: true, first: 100) { totalCount edges { node { id owner dueOn status } } } }'
run_query open_incidents '{ incidents(status: open, first: 100) { totalCount edges { node { id severity pastSla } } } }'
