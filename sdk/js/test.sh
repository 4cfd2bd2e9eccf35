#!/usr/bin/env bash
# The JS/TS SDK's tests, against the real server: run from the repository root as
#   end2end/with-server.sh sdk/js/test.sh
# Installs the dev tooling if needed, builds and packs the package with build.sh (so the tests
# exercise dist/ and the tarball a user installs), then runs Node's test runner on tests/.
set -euo pipefail
: "${SHIKA_BASE_URL:?run as end2end/with-server.sh sdk/js/test.sh}"
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(./build.sh "$tmp")
SHIKA_JS_TARBALL="$tarball" node --test --test-reporter=spec tests/*.test.mjs
