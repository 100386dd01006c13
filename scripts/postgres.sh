#!/usr/bin/env bash
# Install (Debian package) and start a private PostgreSQL cluster on loopback for the test suite.
# Prints `export ONEWINDOW_TEST_POSTGRES_URL=...` on stdout; everything else goes to stderr.
set -euo pipefail
PORT=${ONEWINDOW_PG_PORT:-54329}
DATA=${ONEWINDOW_PG_DATA:-/var/tmp/onewindow-pg-$PORT}
DB=onewindow_test
ROLE=onewindow
PASSWORD=onewindow-test

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_postgres() { runuser -u postgres -- "$@"; }

if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA" && chown postgres:postgres "$DATA" && chmod 700 "$DATA"
  as_postgres "$BIN/initdb" -D "$DATA" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
fi
if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_postgres "$BIN/pg_ctl" -D "$DATA" -w -l "$DATA/server.log" \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c autovacuum=off" \
    start >&2
fi
psql_admin() { as_postgres "$BIN/psql" -h /tmp -p "$PORT" -d postgres -qtAX "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != "1" ]; then
  psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
# Tests drop their databases WITH (FORCE); that may need to end a server-owned backend too.
psql_admin -c "GRANT pg_signal_backend TO $ROLE" >&2
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$DB'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE $DB OWNER $ROLE" >&2
fi
echo "export ONEWINDOW_TEST_POSTGRES_URL=postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
