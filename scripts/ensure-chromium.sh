#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the browser tests (Playwright drives it through
# executable_path; its own browser download cannot be fetched here). Installs it with apt-get
# when running as root on Debian; otherwise says what to do.
set -euo pipefail
if [[ "${TRAVELBOT_SKIP_BROWSER:-}" == "1" ]]; then exit 0; fi  # the browser tests skip too
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then exit 0; fi
done
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  exit 0
fi
echo "chromium is missing: install it (e.g. 'sudo apt-get install chromium') or set CHROMIUM_PATH" >&2
exit 1
