#!/usr/bin/env bash
# Bounded fuzz run: schemathesis (PyPI) generates GraphQL operations from the committed
# schema.graphql and sends them, as an admin, to a real `accord serve` on loopback with the rate
# limit off. Fails on any 5xx, any INTERNAL error code, or a server that stopped answering
# (schemathesis's own not_a_server_error counts every GraphQL error, even a proper VALIDATION, as a
# failure, so the custom check in fuzz_checks.py replaces it).
# Installs schemathesis into a virtualenv under ~/.cache (idempotent). Usage: .ci/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-120}"
venv="${FUZZ_VENV:-$HOME/.cache/accord-venv}"
version="4.32.5"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  echo "== installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi

target="${CARGO_TARGET_DIR:-target}"
cargo build --locked -q
accord="$target/debug/accord"
work=$(mktemp -d)
log="$work/serve.log"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export ACCORD_RATE_LIMIT__ENABLED=false NO_COLOR=1
"$accord" org create --slug fuzz --name "Fuzz Org" --data-dir "$work/data" >/dev/null
token=$("$accord" token issue --sub fuzzer --org fuzz --role admin --ttl 2h --data-dir "$work/data")
"$accord" serve --listen 127.0.0.1:0 --data-dir "$work/data" >"$log" 2>&1 &
server=$!
addr=""
for _ in $(seq 1 100); do
  addr=$(grep -o 'accord listening on http://[0-9.:]*' "$log" | head -1 | sed 's|.*http://||' || true)
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "accord did not start"; cat "$log"; exit 1; }
echo "== fuzzing http://$addr/graphql for ${seconds}s"

status=0
SCHEMATHESIS_HOOKS=fuzz_checks PYTHONPATH=.ci "$venv/bin/st" run schema.graphql \
  --url "http://$addr/graphql" \
  -H "Authorization: Bearer $token" \
  --checks no_internal_error \
  --max-time "$seconds" --workers 2 --request-timeout 30 \
  --seed 42 --no-color || status=$?

if ! curl -fsS "http://$addr/healthz" >/dev/null; then
  echo "== the server stopped answering"; tail -50 "$log"; exit 1
fi
if grep -q "uncoded resolver error\|panicked" "$log"; then
  echo "== the server logged an uncoded error or a panic:"; grep "uncoded resolver error\|panicked" "$log" | head -20
  status=1
fi
exit "$status"
