#!/usr/bin/env bash
# Runs the image stage's real install (image/stage-orchestrator, i.e. scripts/install.sh --image)
# in an arm64 Debian Trixie root under qemu-user, the way pi-gen's on_chroot does, then starts
# the installed orchestrator in that root and asks it for /health.
#
#   sudo image/chroot-install-check.sh [--verify-only] [ROOT_DIR]
#       ROOT_DIR defaults to /var/tmp/orchestrator-arm64-root; the debootstrapped base is reused
#       between runs. --verify-only checks a root installed by an earlier run (the install under
#       emulation takes the better part of an hour on a 2-core machine).
#   MIRROR: the Debian mirror to debootstrap from (default: the one apt uses on this machine).
#
# Where the machine cannot do this (not root, no debootstrap, no binfmt_misc or qemu-aarch64)
# it prints "SKIPPED:" with the reason and exits 0: skipped, never silently.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
verify_only=no
if [ "${1:-}" = --verify-only ]; then verify_only=yes; shift; fi
root="${1:-/var/tmp/orchestrator-arm64-root}"
# The mirror is this machine's own (MIRROR, else what apt uses here, else debootstrap's default).
mirror="$("$checkout/image/debian-mirror.sh")"
skip() { printf 'chroot install check: SKIPPED: %s\n' "$*"; exit 0; }
say() { printf '==> %s\n' "$*"; }

[ "$(id -u)" = 0 ] || skip "needs root for debootstrap and chroot"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (apt-get install debootstrap qemu-user-static)"
if [ "$(uname -m)" != aarch64 ]; then
  binfmt=/proc/sys/fs/binfmt_misc
  [ -e "$binfmt/status" ] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || skip "binfmt_misc is not available on this kernel"
  if [ ! -e "$binfmt/qemu-aarch64" ]; then
    conf="$(find /usr/lib/binfmt.d -name 'qemu-aarch64*.conf' -print -quit 2>/dev/null || true)"
    [ -n "$conf" ] || skip "qemu-user-static is not installed (no binfmt rule for arm64)"
    cat "$conf" >"$binfmt/register" 2>/dev/null || skip "the arm64 binfmt rule cannot be registered here"
  fi
  grep -q '^flags:.*F' "$binfmt/qemu-aarch64" || skip "the arm64 binfmt rule lacks the F flag a chroot needs"
fi
[ -f "$checkout/dist/src/main.js" ] || { echo "build first: npm ci && npm run build" >&2; exit 1; }

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
# shellcheck source=/dev/null
source "$checkout/image/chroot-mounts.sh"

if [ "$verify_only" = yes ]; then
  [ -f "$root/.orchestrator-base" ] || { echo "--verify-only: nothing installed in $root yet" >&2; exit 1; }
elif [ ! -f "$root/.orchestrator-base" ]; then
  say "debootstrap arm64 trixie into $root"
  rm -rf "$root"
  debootstrap --arch=arm64 --variant=minbase --include=ca-certificates trixie "$root" ${mirror:+"$mirror"}
  mount_into "$root"
  say "the image stage's packages (image/packages)"
  chroot "$root" /bin/bash -ec "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq --no-install-recommends $(tr '\n' ' ' <"$checkout/image/packages") curl"
  touch "$root/.orchestrator-base"
fi
mount_into "$root"
if [ "$verify_only" = no ]; then
  trust_build_host_cas "$root"

  say "the stage's run script, with on_chroot as pi-gen defines it"
  work="$(mktemp -d)"
  bash "$checkout/image/build.sh" --prepare "$work" --ssid "Chroot Check" --psk chroot-check-pass --country DE
  on_chroot() { chroot "$ROOTFS_DIR" /bin/bash -e; }
  export -f on_chroot
  # Run as pi-gen runs it: as an executable, so its `#!/bin/bash -e` stops it at the first failure.
  ROOTFS_DIR="$root" "$work/stage-orchestrator/00-orchestrator/01-run.sh"
  rm -rf "$work"
fi

say "verifying the installed result"
fail() { printf 'chroot install check: FAILED: %s\n' "$*" >&2; exit 1; }
[ -L "$root/opt/orchestrator/current" ] || fail "no /opt/orchestrator/current link"
[ -L "$root/etc/systemd/system/multi-user.target.wants/orchestrator.service" ] || fail "the unit is not enabled"
[ "$(stat -c %a "$root/etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection")" = 600 ] || fail "the hotspot keyfile is not 0600"
grep -q '^ssid=Chroot Check$' "$root/etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection" || fail "the hotspot keyfile lacks the SSID"
# The link is absolute, as it must be on the Pi: resolve it inside the root.
release="$root$(readlink "$root/opt/orchestrator/current")"
addon="$(find "$release/node_modules/better-sqlite3" -name better_sqlite3.node -print -quit)"
[ -n "$addon" ] || fail "better-sqlite3 was not built"
file "$addon" | grep -q 'ARM aarch64' || fail "better-sqlite3 is not an arm64 build: $(file "$addon")"

say "starting the installed orchestrator (arm64, under emulation) and asking for /health"
# The script runs in the chroot's shell, so its variables stay unexpanded here.
# shellcheck disable=SC2016
chroot "$root" /bin/bash -ec '
  export DATA_DIR=/tmp/orchestrator-check VIDEO_PLAYER=none RESET_BUTTON_DRIVER=none PORT=3999 HOST=127.0.0.1 ADMIN_PASSWORD=chroot-check-admin
  rm -rf "$DATA_DIR"
  node /opt/orchestrator/current/dist/src/main.js >/tmp/orchestrator-check.log 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    if curl -fs http://127.0.0.1:3999/health; then echo; kill "$server"; wait "$server" || true; exit 0; fi
    sleep 1
  done
  cat /tmp/orchestrator-check.log
  kill "$server" || true
  exit 1
' || fail "the installed orchestrator did not answer /health within 120 s"
say "chroot install check: PASSED"
