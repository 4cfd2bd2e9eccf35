#!/usr/bin/env bash
# Builds the npm package and packs it: OUTDIR/shikacreators-<version>.tgz, installable with
# `npm install OUTDIR/shikacreators-<version>.tgz`. `npm pack` runs `prepack`, which builds
# dist/ (ESM, CommonJS, .d.ts) from src/. Usage: sdk/js/build.sh OUTDIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$(dirname "$0")"
scripts/ensure-deps.sh
npm pack --silent --pack-destination "$out" >/dev/null
version=$(node -p "require('./package.json').version")
test -f "$out/shikacreators-$version.tgz"
echo "$out/shikacreators-$version.tgz"
