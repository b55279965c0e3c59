#!/usr/bin/env bash
# Install the Debian packages `make hub` needs when they are missing: npm (JupyterHub's proxy,
# configurable-http-proxy, comes from the npm registry into hub/node_modules) and setfacl
# (scripts/hub.py lets the demo accounts through folders such as /root to the shared Python).
set -euo pipefail
need=()
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v setfacl >/dev/null 2>&1 || need+=(acl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "Missing for make hub: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages for make hub: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
