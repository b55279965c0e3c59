#!/usr/bin/env bash
# Install Debian's chromium for the browser tests, and a Japanese font so that their
# screenshots are readable, when either is missing. Playwright's own download does not
# work here.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
fc-list :lang=ja 2>/dev/null | grep -q . || need+=(fonts-ipafont-gothic)
bash "$(dirname "$0")/apt-install.sh" "the browser tests" "${need[@]}"
