#!/usr/bin/env bash
# Installs the dev tooling (typescript, openapi-typescript, @types/node, and standardwebhooks for
# the tests) from package-lock.json with `npm ci`, only when node_modules is missing or older than
# the lockfile: a stamp in node_modules records the lockfile's hash it was installed from.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.shikacreators-deps-stamp
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  npm ci --no-audit --no-fund >&2
  echo "$want" >"$stamp"
fi
