#!/usr/bin/env bash
# Builds the Python SDK's wheel, shikacreators-<version>-py3-none-any.whl, into OUTDIR
# (`make sdks` passes sdk/dist). The build tools live in a venv under the repository's .tools/,
# installed once from requirements-build.txt; nothing is written into this folder.
# Usage: sdk/python/build.sh OUTDIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)

venv="$root/.tools/sdk-python-build-venv"
# The stamp names the requirements' hash: a changed pin reinstalls, an unchanged one is skipped.
stamp="$venv/.installed-$(sha256sum "$here/requirements-build.txt" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements-build.txt"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi

# --no-isolation: the pinned hatchling from the venv above, not a fresh download per build.
"$venv/bin/python" -m build --quiet --wheel --no-isolation --outdir "$out" "$here" >/dev/null
version=$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' "$here/src/shikacreators/_version.py")
wheel="$out/shikacreators-$version-py3-none-any.whl"
[ -f "$wheel" ] || { echo "error: $wheel was not built" >&2; exit 1; }
echo "$wheel"
