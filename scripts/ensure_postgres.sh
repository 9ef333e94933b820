#!/bin/sh
# Make sure PostgreSQL server binaries (initdb, pg_ctl) exist for the Postgres checkpointer test.
# The test starts its own throwaway cluster; nothing is started here. Installs with apt-get when
# missing (CI runs as root on a fresh Debian machine).
set -eu
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is missing: run 'sudo apt-get install -y postgresql' (needed by tests/test_persistence.py)" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
