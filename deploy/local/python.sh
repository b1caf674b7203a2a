#!/usr/bin/env bash
# The Python environment of the Python SDK's tests and lint (libs/sdk/iam-python).
# Idempotent: creates a virtual environment with the machine's python3 under .cache/python-venv and
# installs the pinned libs/sdk/iam-python/requirements-dev.txt from PyPI (downloads cached in
# .cache/pip). It does nothing when the environment already matches the requirements file.
# On a machine whose python3 lacks venv/ensurepip (Debian's python3 without python3-venv), it
# installs the python3-venv package with apt-get first.
#
# Environment:
#   PYTHON        the interpreter (default: python3); 3.10 or newer
#   PYTHON_VENV   where the environment goes (default: .cache/python-venv)
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON="${PYTHON:-python3}"
VENV="${PYTHON_VENV:-.cache/python-venv}"
REQUIREMENTS="libs/sdk/iam-python/requirements-dev.txt"
LOCK_FILE="${TMPDIR:-/tmp}/sigma-iam-python-venv.lock"

log() { echo "[python] $*"; }

command -v "$PYTHON" >/dev/null 2>&1 || { log "$PYTHON not found: install Python 3.10 or newer (Debian: apt-get install python3)" >&2; exit 1; }
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  log "$("$PYTHON" --version 2>&1) is too old: the SDK needs Python 3.10 or newer" >&2
  exit 1
fi

wanted="$("$PYTHON" --version 2>&1) $(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ -f "$VENV/.sigma-stamp" ] && [ "$(cat "$VENV/.sigma-stamp")" = "$wanted" ]; then
  exit 0
fi

# Serialise concurrent callers: the second waits, then finds the environment ready.
mkdir -p "$(dirname "$VENV")"
exec 9>"$LOCK_FILE"
if command -v flock >/dev/null 2>&1; then flock -w 900 9; fi
if [ -f "$VENV/.sigma-stamp" ] && [ "$(cat "$VENV/.sigma-stamp")" = "$wanted" ]; then
  exit 0
fi

if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || { log "$PYTHON has no venv/ensurepip and apt-get is not available: install your distribution's python3-venv" >&2; exit 1; }
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "installing python3-venv needs root (or sudo)" >&2; exit 1; }
    SUDO="sudo"
  fi
  minor="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  log "installing Debian package python3-venv (python$minor-venv)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends "python$minor-venv" >/dev/null
fi

log "creating $VENV with $("$PYTHON" --version 2>&1)"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --cache-dir .cache/pip -r "$REQUIREMENTS"
echo "$wanted" > "$VENV/.sigma-stamp"
log "ready: $("$VENV/bin/python" -m pytest --version 2>&1)"
