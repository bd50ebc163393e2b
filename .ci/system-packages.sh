#!/usr/bin/env bash
# Installs the Debian packages Standoff needs when they are missing.
# Usage: system-packages.sh redis-server [postgresql] [chromium]
set -euo pipefail

need=()
for pkg in "$@"; do
  case "$pkg" in
    redis-server) command -v redis-server >/dev/null || need+=(redis-server) ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql) ;;
    chromium) command -v chromium >/dev/null || need+=(chromium fonts-liberation) ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${need[*]}." >&2
  echo "Install them (sudo apt-get install -y --no-install-recommends ${need[*]}) or set REDIS_URL to a running Redis." >&2
  exit 1
fi
echo "Installing ${need[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
