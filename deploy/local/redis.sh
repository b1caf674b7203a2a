#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing (idempotent). Tests start their own server on
# a free port (libs/shared/testing TestRedis); nothing is started here.
# Usage: deploy/local/redis.sh install
set -euo pipefail

case "${1:-install}" in
  install)
    if command -v redis-server >/dev/null 2>&1; then exit 0; fi
    if [ "$(id -u)" -ne 0 ]; then
      echo "redis-server is missing: install Debian's redis-server package (apt-get install redis-server)" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # The package's own service is not needed: tests run servers of their own.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
    command -v redis-server >/dev/null
    ;;
  *)
    echo "usage: $0 install" >&2
    exit 2
    ;;
esac
