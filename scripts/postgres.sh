# PostgreSQL for run.sh (embedded, data kept in .data/postgres) and test.sh (throwaway). Sourced after common.sh.
#
# initdb and postgres refuse to run as root. Run as root, these functions create the system user platform-pg
# (once) and run the server as that user with runuser; run by anyone else, they run it as that user directly.
# The server listens on 127.0.0.1 only, with no Unix socket, and every connection needs the generated password.

pg_system_user=platform-pg
pg_superuser=platform

# Finds initdb and pg_ctl (PATH first, then Debian's versioned folder) and installs Debian's server if neither.
require_postgres() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    pg_bin="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
  else
    pg_bin="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
    if [ -z "$pg_bin" ]; then
      log "installing PostgreSQL (Debian packages)"
      apt_install postgresql
      pg_bin="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -1)"
    fi
  fi
  [ -x "$pg_bin/pg_ctl" ] && [ -x "$pg_bin/initdb" ] || { log "PostgreSQL server binaries not found (looked for pg_ctl and initdb)"; exit 1; }
  pg_psql="$pg_bin/psql"
  [ -x "$pg_psql" ] || pg_psql="$(command -v psql)" || { log "psql not found"; exit 1; }
}

# Runs a command as the user that owns the cluster: platform-pg under root, the caller otherwise.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_system_user" -- "$@"; else "$@"; fi
}

# Creates the folder (and the system user, under root) and hands it to the cluster's owner, private to it.
_pg_own_dir() {
  local dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id -u "$pg_system_user" >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_system_user"
    chown -R "$pg_system_user:" "$dir"
  fi
  chmod 700 "$dir"
  # A folder under a parent the owner cannot enter (such as /root) would fail later with a less clear message.
  _pg_as_owner test -w "$dir" || {
    log "$pg_system_user cannot write to $dir (a parent folder is closed to it); set PLATFORM_POSTGRES_DIR to a folder it can reach"
    exit 1
  }
}

# A port nothing listens on now, from 20000-39999 (the kernel's ephemeral range starts above).
_pg_free_port() {
  local port _
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free local port found"
  exit 1
}

_pg_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# initdb with a generated password for the superuser; extra settings are appended to postgresql.conf.
_pg_init() {
  local data=$1 password_file=$2
  shift 2
  head -c 18 /dev/urandom | base64 | tr '+/' '-_' | _pg_as_owner tee "$password_file" >/dev/null
  _pg_as_owner chmod 600 "$password_file"
  _pg_as_owner "$pg_bin/initdb" -D "$data" -U "$pg_superuser" --pwfile="$password_file" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C >/dev/null
  printf '%s\n' "listen_addresses = '127.0.0.1'" "unix_socket_directories = ''" "$@" |
    _pg_as_owner tee -a "$data/postgresql.conf" >/dev/null
}

_pg_start() {
  local data=$1 port=$2 logfile=$3
  _pg_as_owner "$pg_bin/pg_ctl" -D "$data" -l "$logfile" -o "-p $port" -w -t 60 start >/dev/null
}

_pg_psql() {
  local port=$1 password_file=$2
  shift 2
  PGPASSWORD="$(cat "$password_file")" "$pg_psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
    -U "$pg_superuser" -d postgres "$@"
}

# Adds a command to the EXIT trap, keeping whatever is already there (run.sh and test.sh may stop other servers).
_pg_on_exit() {
  local command=$1
  eval "set -- $(trap -p EXIT)"
  trap "${3:+$3; }$command" EXIT
}

# For ./run.sh: a cluster in .data/postgres (PLATFORM_POSTGRES_DIR overrides) that keeps its data and port between
# runs, started with pg_ctl and stopped when the script exits. Skipped when ConnectionStrings__Platform is set.
start_embedded_postgres() {
  if [ -n "${ConnectionStrings__Platform:-}" ]; then
    log "using the Postgres in ConnectionStrings__Platform"
    return
  fi
  require_postgres
  pg_embedded_dir="${PLATFORM_POSTGRES_DIR:-$repo_root/.data/postgres}"
  local data="$pg_embedded_dir/data" port
  _pg_own_dir "$pg_embedded_dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating the embedded Postgres cluster in $data"
    _pg_as_owner rm -rf "$data" # what an interrupted initdb left
    _pg_init "$data" "$pg_embedded_dir/password"
  fi

  if _pg_as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # Left over from a run that was killed: adopt it (line 4 of postmaster.pid is its port).
    port="$(sed -n 4p "$data/postmaster.pid")"
    log "embedded Postgres already running on 127.0.0.1:$port; using it"
  else
    port="$(cat "$pg_embedded_dir/port" 2>/dev/null || true)"
    if [ -z "$port" ] || ! _pg_port_free "$port"; then
      port="$(_pg_free_port)"
      echo "$port" | _pg_as_owner tee "$pg_embedded_dir/port" >/dev/null
    fi
    log "starting embedded Postgres on 127.0.0.1:$port"
    _pg_start "$data" "$port" "$pg_embedded_dir/postgres.log" ||
      { log "Postgres did not start; see $pg_embedded_dir/postgres.log"; exit 1; }
  fi
  _pg_on_exit stop_embedded_postgres

  if [ -z "$(_pg_psql "$port" "$pg_embedded_dir/password" -tAc "SELECT 1 FROM pg_database WHERE datname = 'platform'")" ]; then
    _pg_psql "$port" "$pg_embedded_dir/password" -c 'CREATE DATABASE platform'
  fi
  export ConnectionStrings__Platform="Host=127.0.0.1;Port=$port;Database=platform;Username=$pg_superuser;Password=$(cat "$pg_embedded_dir/password")"
}

stop_embedded_postgres() {
  [ -n "${pg_embedded_dir:-}" ] || return 0
  log "stopping embedded Postgres"
  _pg_as_owner "$pg_bin/pg_ctl" -D "$pg_embedded_dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# For ./test.sh: a throwaway cluster in a temporary folder, tuned for speed over durability, deleted on exit.
# Exports a server-level connection string; each test creates and drops its own database. The folder is in memory
# (/dev/shm) where there is one: CREATE DATABASE copies files, and takes ~300 ms on disk here against ~40 ms there.
start_test_postgres() {
  if [ -n "${PLATFORM_TEST_POSTGRES:-}" ]; then
    log "using the Postgres in PLATFORM_TEST_POSTGRES"
    return
  fi
  require_postgres
  local base="${TMPDIR:-/tmp}"
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
  pg_test_dir="$(mktemp -d "$base/platform-pg-test.XXXXXX")"
  _pg_on_exit stop_test_postgres
  _pg_own_dir "$pg_test_dir"
  _pg_init "$pg_test_dir/data" "$pg_test_dir/password" \
    "fsync = off" "synchronous_commit = off" "full_page_writes = off" "max_connections = 200"

  local port attempt
  for attempt in 1 2 3; do
    port="$(_pg_free_port)"
    _pg_start "$pg_test_dir/data" "$port" "$pg_test_dir/postgres.log" && break
    [ "$attempt" -lt 3 ] || { log "test Postgres did not start:"; cat "$pg_test_dir/postgres.log" >&2; exit 1; }
  done
  log "test Postgres on 127.0.0.1:$port"
  export PLATFORM_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$pg_superuser;Password=$(cat "$pg_test_dir/password")"
}

stop_test_postgres() {
  [ -n "${pg_test_dir:-}" ] || return 0
  _pg_as_owner "$pg_bin/pg_ctl" -D "$pg_test_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_test_dir"
}
