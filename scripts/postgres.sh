# A private PostgreSQL cluster on loopback for the test suite (idempotent).
PG_PORT="${PG_PORT:-5439}"
PG_DIR="$VAR/postgres"
POSTGRES_URL="postgres://govcheck:govcheck@127.0.0.1:$PG_PORT/govcheck"

start_postgres() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  local owner="postgres"
  [ "$(id -u)" -eq 0 ] || owner="$(id -un)"
  run_pg() { if [ "$owner" = "$(id -un)" ]; then "$@"; else as_root runuser -u "$owner" -- "$@"; fi; }
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    say "Creating a PostgreSQL cluster in var/postgres"
    mkdir -p "$PG_DIR"
    [ "$owner" = "$(id -un)" ] || as_root chown "$owner" "$PG_DIR"
    run_pg "$bindir/initdb" -D "$PG_DIR" -U govcheck --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! run_pg "$bindir/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    run_pg "$bindir/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
  fi
  run_pg "$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U govcheck -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='govcheck'" | grep -q 1 ||
    run_pg "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U govcheck govcheck
  export POSTGRES_URL
}
