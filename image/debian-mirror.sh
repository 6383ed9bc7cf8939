#!/usr/bin/env bash
# Prints the Debian mirror the image checks debootstrap from: $MIRROR when set, else the first
# Debian archive this machine's apt already uses, else nothing (debootstrap then uses its default).
# No mirror is named in the repository: each machine brings its own.
set -euo pipefail
if [ -n "${MIRROR:-}" ]; then printf '%s\n' "$MIRROR"; exit 0; fi
{
  # deb822 sources (URIs: ...) and one-line sources (deb [options] URI suite ...).
  sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
  sed -n -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
} | grep -E '^https?://[^ ]*/debian/?$' | head -n 1 || true
