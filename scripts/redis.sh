# A throwaway redis-server for the tests. Sourced after common.sh (uses log, as_root, apt_install).
#   start_test_redis  installs redis-server if missing (the restart tests run their own), then uses the server in
#                     an already-set PLATFORM_TEST_REDIS, or starts one on a free loopback port from 6390 up,
#                     waits for PING and exports PLATFORM_TEST_REDIS=127.0.0.1:<port>
#   stop_test_redis   stops it and removes its directory; safe to call twice or when nothing was started
# The caller owns the EXIT trap (test.sh: trap stop_test_redis EXIT) so several services can share one trap.

test_redis_dir=""
test_redis_port=""

start_test_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    log "installing redis-server (Debian package)"
    apt_install redis-server
  fi
  if [ -n "${PLATFORM_TEST_REDIS:-}" ]; then
    log "test redis on $PLATFORM_TEST_REDIS (PLATFORM_TEST_REDIS was set)"
    return 0
  fi
  test_redis_dir="$(mktemp -d "${TMPDIR:-/tmp}/platform-redis.XXXXXX")"
  local port
  for port in $(seq 6390 6490); do
    # A port something already answers on is taken; bash's /dev/tcp needs neither python nor netcat.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    # redis-server daemonizes before binding, so a lost race with another process shows up as no PING below.
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
      --pidfile "$test_redis_dir/redis.pid" --dir "$test_redis_dir" --logfile "$test_redis_dir/redis.log" \
      >/dev/null || { log "redis-server did not start; see $test_redis_dir/redis.log"; return 1; }
    if wait_for_test_redis "$port"; then
      test_redis_port="$port"
      export PLATFORM_TEST_REDIS="127.0.0.1:$port"
      log "test redis on $PLATFORM_TEST_REDIS ($(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p'))"
      return 0
    fi
    stop_test_redis_process
  done
  log "no test redis could start; see $test_redis_dir/redis.log"
  return 1
}

# Up to about 5 s for the first PONG.
wait_for_test_redis() {
  local port="$1" attempt
  for attempt in $(seq 1 50); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

stop_test_redis_process() {
  local pidfile="$test_redis_dir/redis.pid" pid attempt
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  rm -f "$pidfile"
  # A pid left by a server that already exited may belong to someone else by now.
  grep -q redis "/proc/$pid/comm" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for attempt in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

stop_test_redis() {
  [ -n "$test_redis_dir" ] || return 0
  stop_test_redis_process
  rm -rf "$test_redis_dir"
  test_redis_dir=""
  test_redis_port=""
}
