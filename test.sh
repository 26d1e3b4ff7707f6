#!/usr/bin/env bash
# Installs and starts what the tests need, then runs every test. Extra arguments go to `dotnet test`
# (e.g. ./test.sh --filter "FullyQualifiedName~Tokenization").
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"
source "$repo_root/scripts/redis.sh"
source "$repo_root/scripts/postgres.sh"

require_dotnet
install_onnxruntime
require_chromium
cd "$repo_root"

if [ ! -d "$repo_root/../shared/reference" ] && [ -z "${PLATFORM_SHARED_DIR:-}" ]; then
  log "warning: ../shared (models and reference vectors) is missing; the conformance tests will fail"
fi

trap stop_test_redis EXIT
start_test_redis

log "building (Release)"
dotnet build Platform.sln -c Release -nologo -v quiet -clp:ErrorsOnly

start_test_postgres

results="$repo_root/.data/test-results"
rm -rf "$results"
set +e
dotnet test Platform.sln -c Release --no-build -nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
set -e

# One plain closing line, whatever the runner printed.
if compgen -G "$results/*.trx" >/dev/null; then
  counters=$(grep -ho '<Counters [^>]*>' "$results"/*.trx | head -1)
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  executed=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  echo "${passed:-0} passed, ${failed:-0} failed, $(( ${total:-0} - ${executed:-0} )) skipped"
fi
exit $status
