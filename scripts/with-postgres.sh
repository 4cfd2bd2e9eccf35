#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL server: a new cluster in a temporary directory,
# listening on a free loopback port, removed when the command ends (whatever its outcome). The
# command finds the server in SHIKA_TEST_POSTGRES_URL (its `postgres` database, user `shika`,
# trust authentication on loopback only). Extra server settings come from SHIKA_POSTGRES_OPTIONS,
# e.g. "-c fsync=off" for tests.
#
# Usage: scripts/with-postgres.sh <command> [args…]
set -euo pipefail

bin_dir() {
    for candidate in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" \
        /usr/lib/postgresql/*/bin; do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return
        fi
    done
}

bin=$(bin_dir)
if [ -z "$bin" ]; then
    echo "PostgreSQL server programs missing: installing Debian's postgresql" >&2
    apt-get update && apt-get install -y postgresql
    bin=$(bin_dir)
fi

# PostgreSQL refuses to run as root; as root, the server runs as the `postgres` user.
as_server_user() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/shika-postgres.XXXXXX")
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"

stop() {
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

as_server_user "$bin/initdb" -D "$dir/data" -U shika --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 ${SHIKA_POSTGRES_OPTIONS:-}" \
    start >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
fi
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throw-away, $dir)" >&2

export SHIKA_TEST_POSTGRES_URL="postgres://shika@127.0.0.1:$port/postgres"
"$@"
