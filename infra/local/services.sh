#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are available for `make run` and `make test`
# and prints the environment to use them, as `export` lines for eval.
#
#   eval "$(infra/local/services.sh up)"    # start what is needed, export URLs
#   infra/local/services.sh down            # stop the private instances
#
# DATABASE_URL / REDIS_URL are used when they are set and answer. Otherwise
# private instances are started from the installed binaries under .run/ (git
# ignored), on ports derived from the checkout's path so several checkouts do
# not collide. Missing binaries are installed with apt-get on Debian/Ubuntu as
# root; anywhere else the script says exactly what to install.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
run="$root/.run"
hash=$(printf '%s' "$root" | cksum | cut -d' ' -f1)
# Below Linux's ephemeral range (32768-60999 by default), so an outgoing
# connection can never hold the port when the instance (re)starts.
pg_port=$((25000 + hash % 1000))
redis_port=$((26000 + hash % 1000))
log() { printf 'services: %s\n' "$*" >&2; }

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) ; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

install_or_explain() { # $1 = what is missing, $2 = Debian packages
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "$1 not found; installing $2 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $2 >&2
  else
    log "$1 is not installed and cannot be installed automatically here."
    log "Install it (Debian/Ubuntu: sudo apt-get install $2; macOS: brew install ${3:-$2}),"
    log "or set DATABASE_URL / REDIS_URL to servers that are running, then run the command again."
    exit 1
  fi
}

pg_answers() { # $1 = url
  command -v psql >/dev/null 2>&1 || return 1
  PGCONNECT_TIMEOUT=3 psql "$1" -XAtqc 'select 1' >/dev/null 2>&1
}

redis_answers() { # $1 = url
  command -v redis-cli >/dev/null 2>&1 || return 1
  [ "$(timeout 3 redis-cli -u "$1" ping 2>/dev/null)" = PONG ]
}

# as_pg runs a command as the unprivileged owner of the data directory when we
# are root (PostgreSQL refuses to run as root).
as_pg() { # from / : the checkout may be a folder the postgres user cannot enter
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_datadir() {
  local dir="$run/pg"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
    mkdir -p "$run"
    # The postgres user must reach the folder; a checkout under a private
    # temporary directory is not reachable, so keep the data beside /var/tmp
    # and link it from .run/.
    if ! runuser -u postgres -- test -x "$run" 2>/dev/null; then
      local alt="/var/tmp/autonome-pg-$hash"
      mkdir -p "$alt"; chown postgres "$alt"
      [ -L "$dir" ] || { rm -rf "$dir"; ln -s "$alt" "$dir"; }
      dir="$alt"
    else
      mkdir -p "$dir"; chown postgres "$dir"
    fi
  else
    mkdir -p "$dir"
  fi
  echo "$dir"
}

start_pg() {
  local bindir dir
  bindir=$(pg_bindir) || { install_or_explain "PostgreSQL" "postgresql postgresql-client" "postgresql"; bindir=$(pg_bindir); }
  dir=$(pg_datadir)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initialising a private PostgreSQL in $dir/data"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "starting private PostgreSQL on 127.0.0.1:$pg_port"
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=300" start >/dev/null
  fi
  # An instance already running keeps the port it started on (line 4 of
  # postmaster.pid), e.g. one started before the port range moved.
  local running; running=$(sed -n 4p "$dir/data/postmaster.pid" 2>/dev/null || true)
  [ -n "$running" ] && pg_port=$running
  local url="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
  psql "$url" -XAtqc "select 1 from pg_database where datname='autonome'" | grep -q 1 ||
    psql "$url" -XAtqc "create database autonome" >/dev/null
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || install_or_explain "Redis" "redis-server redis-tools" "redis"
  mkdir -p "$run/redis"
  if ! redis_answers "redis://127.0.0.1:$redis_port/0"; then
    log "starting private Redis on 127.0.0.1:$redis_port"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --dir "$run/redis" --pidfile "$run/redis/redis.pid" --logfile "$run/redis/redis.log" >/dev/null
    for _ in $(seq 50); do redis_answers "redis://127.0.0.1:$redis_port/0" && break; sleep 0.1; done
  fi
}

up() {
  command -v psql >/dev/null 2>&1 || install_or_explain "psql (PostgreSQL client)" "postgresql-client" "libpq"
  command -v redis-cli >/dev/null 2>&1 || install_or_explain "redis-cli" "redis-tools" "redis"
  local db test_db redis
  if [ -n "${DATABASE_URL:-}" ] && pg_answers "$DATABASE_URL"; then
    db=$DATABASE_URL; test_db=${TEST_DATABASE_URL:-$DATABASE_URL}
  else
    [ -n "${DATABASE_URL:-}" ] && log "DATABASE_URL does not answer; using a private PostgreSQL instead"
    start_pg
    db="postgres://postgres@127.0.0.1:$pg_port/autonome?sslmode=disable"
    test_db="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
  fi
  if [ -n "${REDIS_URL:-}" ] && redis_answers "$REDIS_URL"; then
    redis=$REDIS_URL
  else
    [ -n "${REDIS_URL:-}" ] && log "REDIS_URL does not answer; using a private Redis instead"
    start_redis
    redis="redis://127.0.0.1:$redis_port/0"
  fi
  printf 'export DATABASE_URL=%q\nexport TEST_DATABASE_URL=%q\nexport REDIS_URL=%q\nexport TEST_REDIS_URL=%q\n' \
    "$db" "$test_db" "$redis" "$redis"
}

down() {
  local bindir dir
  # Resolve the link first: in a checkout the postgres user cannot enter
  # (a mktemp -d clone) the data lives under /var/tmp behind .run/pg, and
  # pg_ctl, run as postgres, cannot follow a path through the checkout.
  dir=$(readlink -f "$run/pg" 2>/dev/null || echo "$run/pg")
  if [ -f "$dir/data/PG_VERSION" ] && bindir=$(pg_bindir); then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 && log "stopped private PostgreSQL" || true
  fi
  if [ -f "$run/redis/redis.pid" ]; then
    kill "$(cat "$run/redis/redis.pid")" 2>/dev/null && log "stopped private Redis" || true
  fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
