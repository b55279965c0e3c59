#!/usr/bin/env bash
# Install Debian packages for a purpose, as root or with sudo, or say how to.
#   bash scripts/apt-install.sh "the browser tests" chromium fonts-ipafont-gothic
set -euo pipefail
purpose="$1"; shift
[ $# -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "Missing for $purpose: $*. Install them with: sudo apt-get install $*" >&2
    exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages for $purpose: $*"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
