#!/usr/bin/env bash
# need-debian.sh CMD:PACKAGE ... — make sure each command exists: as root, install the missing
# Debian packages; otherwise name them and fail. Used by the benchmark targets of the Makefile.
# A CMD that names a shared library (lib*.so*) is looked up with ldconfig instead.
set -euo pipefail
missing=()
for pair in "$@"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  case "$cmd" in
    lib*.so*) [ "$(ldconfig -p 2>/dev/null | grep -c "$cmd" || true)" -gt 0 ] || missing+=("$pkg") ;;
    *) command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
