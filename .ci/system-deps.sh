#!/usr/bin/env bash
# Install the Debian packages the app (`run`) or the whole test suite (`test`) needs, when missing.
# As root with apt-get we install them; otherwise we print exactly what to install and go on.
set -euo pipefail
mode=${1:-run}

# `run`: what the app needs (python3-venv to install uv, WeasyPrint's libraries and fonts).
# `test`: what only the tests need: pdftotext (poppler-utils), Chromium, PostgreSQL, Redis and
# docker-compose.
if [ "$mode" = test ]; then
  packages=(poppler-utils postgresql redis-server redis-tools docker-compose chromium)
else
  packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the servers it installs; the tests start their own on private ports.
  if command -v service >/dev/null; then
    service postgresql stop >/dev/null 2>&1 || true
    service redis-server stop >/dev/null 2>&1 || true
  fi
else
  echo "Missing system packages: ${missing[*]}"
  echo "Install them with: sudo apt-get install ${missing[*]}"
  if [ "$mode" = run ]; then
    echo "(The app runs without them, but PDF reports need Pango and HarfBuzz.)"
  else
    echo "Until then the tests that need them are skipped, each saying which program is missing."
  fi
fi
