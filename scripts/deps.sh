#!/usr/bin/env bash
# deps.sh — install the Debian packages cadre needs to build, run and test.
# Idempotent: installs only what is missing, with apt-get (sudo when not root).
set -euo pipefail
pkgs=(build-essential pkg-config libsqlite3-dev sqlite3 libpq-dev postgresql
      libmicrohttpd-dev libjansson-dev libsodium-dev libutf8proc-dev libssl-dev
      libcurl4-openssl-dev libzip-dev libexpat1-dev libxlsxwriter-dev
      libqpdf-dev qpdf libpoppler-glib-dev poppler-utils libcairo2-dev libpango1.0-dev
      fonts-noto-core libqrencode-dev libnss3-tools zbar-tools
      chromium nodejs npm curl ca-certificates python3 python3-yaml)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (a newer build): accept it.
if command -v node >/dev/null && command -v npm >/dev/null; then
	tmp=()
	for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
	missing=("${tmp[@]+"${tmp[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
