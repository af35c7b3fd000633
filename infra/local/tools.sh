#!/usr/bin/env bash
# Makes sure the tools the tests drive are installed: Chromium (browser tests,
# driven with chromedp), Node.js with npm (the official oRPC client test and
# the dashboard's JavaScript tests) and promtool (the alert rules' tests, from
# Debian's prometheus package; its server is not started). On Debian/Ubuntu as root they are installed
# with apt-get; elsewhere the script says what to install and the tests that
# need them fail under CI=true and are skipped otherwise.
set -uo pipefail
missing=()
have_chromium() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || [ -n "${CHROME_PATH:-}" ]; }
have_chromium || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "tools: installing ${missing[*]} with apt-get" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 && exit 0
  echo "tools: apt-get could not install ${missing[*]}" >&2
else
  echo "tools: ${missing[*]} not installed; install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
fi
# Not fatal here: the tests that need a tool say so themselves.
exit 0
