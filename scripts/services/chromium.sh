#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the dashboard's browser tests
# (playwright-core drives it headless; no browser is downloaded). When it is missing, installs the
# distro's `chromium` package with apt-get (as root, or through sudo). Nothing else is installed.
#
#   scripts/services/chromium.sh ensure   # default: check, install when missing
#   scripts/services/chromium.sh status
set -euo pipefail
bin="${WM_CHROMIUM:-/usr/bin/chromium}"

present() { [[ -x "$bin" ]]; }

version() { "$bin" --version 2>/dev/null | grep -m1 -i chromium || echo "version unknown"; }

ensure() {
  if present; then echo "chromium: $(version) at $bin"; return 0; fi
  if ! command -v apt-get >/dev/null; then
    echo "chromium: $bin is missing and apt-get is not available: install Chromium and set WM_CHROMIUM to its path" >&2
    exit 1
  fi
  local sudo=""
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "chromium: installing needs root (or sudo)" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "chromium: $bin is missing; installing Debian's chromium package (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  present || { echo "chromium: apt-get installed chromium, but $bin is still missing" >&2; exit 1; }
  echo "chromium: $(version) at $bin"
}

case "${1:-ensure}" in
  ensure) ensure ;;
  status) if present; then echo "chromium: $(version) at $bin"; else echo "chromium: missing ($bin)"; exit 1; fi ;;
  *) echo "usage: $0 [ensure|status]" >&2; exit 2 ;;
esac
