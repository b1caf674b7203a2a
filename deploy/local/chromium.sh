#!/usr/bin/env bash
# Headless Chromium for the browser tests (login, consent and device pages; passkeys).
# Idempotent: installs Debian's `chromium` package with apt-get only when the binary is missing.
# The tests drive it with playwright-core (libs/shared/testing: launchTestBrowser).
#
# Environment:
#   CHROMIUM_PATH  the binary the tests use (default: /usr/bin/chromium)
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
LOCK_FILE="${TMPDIR:-/tmp}/sigma-iam-chromium-install.lock"

log() { echo "[chromium] $*"; }

if [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "$CHROMIUM_PATH is missing and apt-get is not available: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { log "installing chromium needs root (or sudo)" >&2; exit 1; }
  SUDO="sudo"
fi

# Serialise concurrent callers (parallel test runs): the second waits, then finds the binary.
exec 9>"$LOCK_FILE"
if command -v flock >/dev/null 2>&1; then flock -w 900 9; fi
if [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi

log "installing Debian package chromium"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
[ -x "$CHROMIUM_PATH" ] || { log "chromium installed but $CHROMIUM_PATH is missing; set CHROMIUM_PATH" >&2; exit 1; }
log "$("$CHROMIUM_PATH" --version 2>/dev/null || echo chromium) installed"
