#!/usr/bin/env sh
# Headless Chromium and its WebDriver for the report's browser tests (Debian / Ubuntu packages).
# Without them the browser tests are skipped with a message; everything else runs.
set -u
if command -v chromedriver >/dev/null 2>&1; then exit 0; fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; } \
    || echo "note: could not install chromium and chromium-driver (apt-get); the browser tests will be skipped" >&2
else
  echo "note: install Chromium and chromedriver to run the browser tests (no apt-get here)" >&2
fi
exit 0
