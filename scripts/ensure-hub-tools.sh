#!/usr/bin/env bash
# Install the Debian packages `make hub` needs when they are missing: npm (JupyterHub's proxy,
# configurable-http-proxy, comes from the npm registry into hub/node_modules) and setfacl
# (scripts/hub.py lets the demo accounts through folders such as /root to the shared Python).
set -euo pipefail
need=()
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v setfacl >/dev/null 2>&1 || need+=(acl)
bash "$(dirname "$0")/apt-install.sh" "make hub" "${need[@]}"
