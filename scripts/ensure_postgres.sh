#!/bin/sh
# Make sure PostgreSQL server binaries (initdb, pg_ctl) exist for the Postgres checkpointer test.
# The test starts its own throwaway cluster (initdb --no-locale, so no locale needs to be
# installed); nothing is started here. Installs with apt-get when missing (CI runs as root on a
# fresh Debian machine).
set -eu
have_initdb() {
    command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if have_initdb; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is missing: run 'sudo apt-get install -y postgresql' (needed by tests/test_persistence.py)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is missing and apt-get is not available: install the PostgreSQL server (initdb, pg_ctl)" >&2
    exit 1
fi
apt-get update -qq
# postinst creates a default cluster with the system locale and only warns if it cannot
# (postgresql-common's maintscripts-functions); the test never uses that cluster.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
if ! have_initdb; then
    echo "installing postgresql did not provide initdb" >&2
    exit 1
fi
