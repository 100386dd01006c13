#!/usr/bin/env bash
# Make sure Debian's chromium (and a CJK font, so Chinese pages render) is installed for the browser tests.
# Playwright's own browser download is unavailable here; the tests launch this binary instead.
set -euo pipefail
have_font() { fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; }
if command -v chromium >/dev/null 2>&1 && have_font; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
command -v chromium >/dev/null
