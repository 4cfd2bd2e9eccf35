#!/usr/bin/env bash
# Runs the Playwright suite against the release `shika` binary (started by with-server.sh).
# Usage: end2end/run.sh [playwright args…]   (from anywhere; SHIKA_BIN overrides the binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/with-server.sh" bash -c 'cd "$0" && npx playwright test "$@"' "$here" "$@"
