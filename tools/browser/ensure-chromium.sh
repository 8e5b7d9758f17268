#!/usr/bin/env bash
# Prints the path of a Chromium for the console's browser tests (driven by playwright-core,
# which downloads no browser). CHROMIUM names one explicitly; otherwise Debian's `chromium`
# package, installed here with apt-get when the script runs as root on Debian (and
# MEETUP_NO_SYSTEM_INSTALL is not 1); otherwise it says what to install and exits 1.
set -euo pipefail
log() { echo "ensure-chromium: $*" >&2; }

if [[ -n "${CHROMIUM:-}" ]]; then
  [[ -x "$CHROMIUM" ]] || { log "CHROMIUM=$CHROMIUM is not an executable"; exit 1; }
  echo "$CHROMIUM"
  exit 0
fi
for candidate in chromium chromium-browser; do
  if path=$(command -v "$candidate" 2>/dev/null); then
    echo "$path"
    exit 0
  fi
done
if [[ "${MEETUP_NO_SYSTEM_INSTALL:-0}" != 1 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  log "no Chromium: installing Debian's chromium package with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  path=$(command -v chromium) || { log "apt-get installed chromium, yet it is not on PATH"; exit 1; }
  echo "$path"
  exit 0
fi
log "the console's browser tests need Chromium: install Debian's package (sudo apt-get install chromium) or set CHROMIUM=/path/to/chrome"
exit 1
