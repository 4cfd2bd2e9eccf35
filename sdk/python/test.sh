#!/usr/bin/env bash
# Runs the Python SDK's tests against a running server; from the repository root:
#   end2end/with-server.sh sdk/python/test.sh [PYTEST_ARGS…]
# Sets up (once) a venv at .tools/sdk-python-venv with the pinned test and build tools,
# installs this folder into it as a user would (non-editable, so the packaging is tested too),
# type-checks the package, its public types and the tests (mypy --strict) and runs pytest. No caches or
# bytecode are written into the repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/.tools/sdk-python-venv"
export PYTHONDONTWRITEBYTECODE=1

stamp="$venv/.installed-$(cat "$here/requirements-test.txt" "$here/requirements-build.txt" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/requirements-test.txt" -r "$here/requirements-build.txt"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi

# A fresh install every run: the tests must see this tree's code, built the way pip builds it.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
  --force-reinstall "$here"

cache="$root/.tools/sdk-python-mypy-cache"
# The package's own code, for Python 3.9 (pyproject.toml: strict).
"$venv/bin/mypy" --config-file "$here/pyproject.toml" --cache-dir "$cache" "$here/src/shikacreators"
# The user's view: the installed package's types (py.typed) as a caller's checker sees them,
# for Python 3.9, then the tests (typed too) as the venv's Python runs them.
"$venv/bin/mypy" --strict --python-version 3.9 --cache-dir "$cache" "$here/tests/typecheck/usage.py"
running=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
(cd "$here/tests" && "$venv/bin/mypy" --strict --python-version "$running" --explicit-package-bases \
  --cache-dir "$cache" .)

cd "$here"
exec "$venv/bin/pytest" -p no:cacheprovider "$@"
