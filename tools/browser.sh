#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (playwright-core drives /usr/bin/chromium;
# nothing is ever downloaded by Playwright). Installs the `chromium` package when it is missing and
# this machine can (root with apt-get); otherwise says what to do. Safe to run repeatedly.
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "browser: installing Debian's chromium for the browser tests"
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/tmp/ssokit-chromium-install.log 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/tmp/ssokit-chromium-install.log 2>&1; } ||
    { echo "browser: apt-get install chromium failed (see /tmp/ssokit-chromium-install.log)" >&2; exit 1; }
  exit 0
fi
echo "browser: /usr/bin/chromium is missing; install it (sudo apt-get install chromium) to run the browser tests, which are skipped without it (CI fails instead)." >&2
exit 0
