#!/usr/bin/env bash
# Installs, from Debian's packages, what Foresight needs beyond Python when it
# is missing: Pango and a font for WeasyPrint (the PDF findings report) and,
# with --browser, Chromium for the browser tests. Does nothing when all is there.
set -euo pipefail

wanted=()
ldconfig -p | grep -q 'libpango-1\.0\.so' || wanted+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi 'dejavu' || wanted+=(fonts-dejavu-core)
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  wanted+=(chromium)
fi
[ "${#wanted[@]}" -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing system packages: ${wanted[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q --no-install-recommends "${wanted[@]}" >/dev/null; then
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${wanted[@]}" >/dev/null
fi
