#!/usr/bin/env bash
# Runs the PHP client's tests (PHPUnit, Debian's) against a live server:
#   end2end/with-server.sh sdk/php/test.sh        (from the repository root)
# Installs PHP, its curl and mbstring extensions and PHPUnit from apt when missing; the
# library itself is loaded through init.php, the no-Composer path.
set -euo pipefail
cd "$(dirname "$0")"

if ! { command -v php >/dev/null && php -m | grep -qi '^curl$' && php -m | grep -qi '^mbstring$' \
    && command -v phpunit >/dev/null; }; then
  apt-get update && apt-get install -y php-cli php-curl php-mbstring phpunit
fi

: "${SHIKA_BASE_URL:?run through end2end/with-server.sh sdk/php/test.sh}"
exec phpunit --configuration phpunit.xml "$@"
