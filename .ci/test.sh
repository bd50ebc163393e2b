#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on a throwaway PostgreSQL
# server started for the run (and stopped after, whatever happens).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR=$(mktemp -d /tmp/standoff-pg.XXXXXX)
chmod 755 "$PG_DIR"
PG_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop_pg() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT

start_pg() {
  mkdir -p "$PG_DIR/data" && chmod 700 "$PG_DIR/data"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$PG_DIR"
    as_pg=(runuser -u postgres --)
  else
    as_pg=()
  fi
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  "${as_pg[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres standoff
}

mkdir -p test-results
echo "== Tests on SQLite =="
env -u DATABASE_URL $PY -m pytest "$@"

echo "== Tests on PostgreSQL =="
start_pg
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/standoff" $PY -m pytest "$@"
