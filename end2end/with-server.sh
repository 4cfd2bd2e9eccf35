#!/usr/bin/env bash
# Runs a command against the release `shika` binary: starts it on a free port with a temporary
# database (a SQLite file, or a new database on the PostgreSQL server SHIKA_TEST_POSTGRES_URL names,
# as scripts/with-postgres.sh sets it), waits until /healthz answers, runs the command with
# SHIKA_BASE_URL, SHIKA_DATABASE_URL and SHIKA_BIN set, and stops the server by its pid.
# Usage: end2end/with-server.sh COMMAND [ARGS…]   (from anywhere; SHIKA_BIN overrides the binary;
# the server inherits the environment, e.g. SHIKA_RATE_LIMIT)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHIKA_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/shika}
[ -x "$bin" ] || { echo "error: $bin not found; run 'make build' first" >&2; exit 1; }
bin=$(realpath "$bin")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
log="$data/shika.log"
if [ -n "${SHIKA_TEST_POSTGRES_URL:-}" ]; then
  name="shika_e2e_$(basename "$data" | tr 'A-Z' 'a-z' | tr -dc 'a-z0-9')"
  psql "$SHIKA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $name"
  database="${SHIKA_TEST_POSTGRES_URL%/*}/$name"
else
  database="sqlite://$data/shika.db?mode=rwc"
fi

# The binary finds its assets (target/site) relative to the working directory.
cd "$root"
DATABASE_URL="$database" "$bin" serve --addr "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# Readiness, not a delay: poll until the server answers or has died.
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "error: shika exited" >&2; exit 1; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log" >&2; exit 1; }

status=0
SHIKA_BASE_URL="http://127.0.0.1:$port" SHIKA_DATABASE_URL="$database" SHIKA_BIN="$bin" \
  "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- shika log (last 50 lines) ---" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
