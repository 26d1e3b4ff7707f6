# Shared by run.sh and test.sh: install what is missing, idempotently, on a fresh Debian machine with the .NET SDK.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[platform] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root for: $*"; return 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { log "the .NET SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian"; exit 1; }
}

# The browser tests drive Debian's Chromium through Playwright; Playwright's own browser download is never used.
require_chromium() {
  if [ -n "${PLATFORM_TEST_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ]; then
    return
  fi
  log "installing chromium (Debian package) for the browser tests"
  apt_install chromium
}
