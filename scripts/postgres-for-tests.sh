#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the test suite and print its URL.
# Installs Debian's postgresql when it is missing (needs root, as on CI).
set -euo pipefail

PGPORT="${PGPORT:-54329}"
PGDATA_DIR="${PGDATA_DIR:-/tmp/crediario-pg}"
RUN_AS="postgres"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

if ! PGBIN=$(find_bin); then
  echo "installing postgresql from Debian packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  PGBIN=$(find_bin)
fi

if [ "$(id -u)" -ne 0 ]; then RUN_AS=""; fi
as_pg() { if [ -n "$RUN_AS" ]; then su "$RUN_AS" -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

if ! as_pg "'$PGBIN/pg_ctl' -D '$PGDATA_DIR' status" >/dev/null 2>&1; then
  rm -rf "$PGDATA_DIR"
  mkdir -p "$PGDATA_DIR"
  [ -n "$RUN_AS" ] && chown "$RUN_AS" "$PGDATA_DIR"
  as_pg "'$PGBIN/initdb' -D '$PGDATA_DIR' -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
  as_pg "'$PGBIN/pg_ctl' -D '$PGDATA_DIR' -l '$PGDATA_DIR/server.log' -w \
        -o \"-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories='$PGDATA_DIR' -c fsync=off\" start" >/dev/null
fi
as_pg "'$PGBIN/psql' -h 127.0.0.1 -p $PGPORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='crediario_test'\"" | grep -q 1 \
  || as_pg "'$PGBIN/createdb' -h 127.0.0.1 -p $PGPORT -U postgres crediario_test"
echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/crediario_test"
