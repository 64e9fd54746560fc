#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if they are missing:
# Chromium for the browser tests, Thai fonts, Pango for PDF reports and
# pdftotext to read them back. Needs root (as in CI); otherwise says what to install.
set -euo pipefail

packages=(chromium fonts-thai-tlwg libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
