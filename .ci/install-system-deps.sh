#!/usr/bin/env bash
# System packages for the dashboard's browser tests (Debian's chromium, driven by Playwright), for
# PDF reports (WeasyPrint needs Pango, HarfBuzz and fonts) and for the PostgreSQL backend's tests
# (Debian's postgresql: the tests start a throwaway server from its binaries on 127.0.0.1, as the
# postgres user when run as root). Idempotent and quiet; needs root.
set -euo pipefail

PACKAGES=(chromium fonts-dejavu-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
          libharfbuzz-subset0 libfontconfig1 poppler-utils postgresql)

if [ "$(id -u)" != "0" ]; then
    echo "install-system-deps: not root; skipping (browser tests skip without /usr/bin/chromium, PostgreSQL tests" \
         "without initdb)" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps: no apt-get on this machine; skipping" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-system-deps: installed ${missing[*]}" >&2
