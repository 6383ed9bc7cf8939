#!/usr/bin/env bash
# Boots the appliance: an arm64 Debian Trixie disk installed by the image stage's own
# scripts/install.sh --image, started under qemu-system-aarch64 from its first boot, and checked
# from the host through qemu's forwarded port and a test-only command channel (a virtio serial
# port with a root shell on it, image/boot/boot-check-agent.service).
#
#   sudo image/boot-check.sh
#
# Prints a PASS, FAIL or "SKIPPED: reason" line per check and ends with "N passed, M failed";
# exits 1 when a check failed. Settings (environment):
#   BOOT_CHECK_CACHE   where the Debian root, the installed root, the disk and the kernel are kept
#                      between runs (default /var/cache/orchestrator-boot-check, outside the checkout)
#   CHROOT_CHECK_ROOT  a root debootstrapped by image/chroot-install-check.sh, reused when present
#                      (default /var/tmp/orchestrator-arm64-root)
#   MIRROR             the Debian mirror to debootstrap from (default: the one apt uses here)
#   BOOT_CHECK_PORT    the host port forwarded to the orchestrator (default 18080)
#   BOOT_CHECK_MEMORY  the guest's memory in MiB (default 2048)
# The disk is rebuilt when the app, the install script, the units or image/ change; otherwise
# the cached disk is copied and booted.
set -uo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BOOT_CHECK_CACHE:-/var/cache/orchestrator-boot-check}"
chroot_root="${CHROOT_CHECK_ROOT:-/var/tmp/orchestrator-arm64-root}"
host_port="${BOOT_CHECK_PORT:-18080}"
memory="${BOOT_CHECK_MEMORY:-2048}"
base="$cache/base"
root="$cache/root"
run="$cache/run"
guest_port=3000
# What the first boot is given on the boot partition, as a venue would write it.
conf_ssid="Boot Check Show"
conf_psk="boot-check-passphrase"
conf_country=FR
conf_admin="boot-check-admin"
conf_station_token="boot-check-station-token"

passed=0 failed=0
pass() { printf 'PASS: %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL: %s\n' "$*"; failed=$((failed + 1)); }
skip() { printf 'SKIPPED: %s\n' "$*"; }
note() { printf '  %s\n' "$*"; }
finish() {
  printf '%d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" = 0 ]
  exit
}
stamp() { date +%s; }

# ---------------------------------------------------------------------------------------------
# The disk, built in child processes (this script with --build-*) under `set -e`, so that a step
# that fails stops its build and is reported as one FAIL here.

mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  mounted=()
}
# shellcheck source=/dev/null
source "$checkout/image/chroot-mounts.sh"
in_chroot() { # in_chroot DIR COMMAND...: at low priority, beside whatever else the machine runs
  local dir="$1"
  shift
  nice -n 10 chroot "$dir" "$@"
}

# What the guest needs beyond image/packages to boot as a machine (Raspberry Pi OS Lite has these):
# a kernel, systemd as init, udev, D-Bus for NetworkManager, and what NetworkManager's hotspot uses
# (wpa_supplicant for the access point, dnsmasq for DHCP and DNS). iw, udhcpc and python3-evdev
# serve the checks' simulated Wi-Fi client and button.
boot_packages="linux-image-arm64 initramfs-tools systemd-sysv udev dbus kmod iproute2 procps dosfstools e2fsprogs wpasupplicant dnsmasq-base iw udhcpc python3-evdev"

build_base() { # the Debian root with the stage's and the boot's packages, no orchestrator yet
  set -e
  trap unmount_all EXIT
  # The base is kept across runs, and follows the package lists: a package added to image/packages
  # (or to the boot's) is installed into it, without building it again.
  local packages_key
  packages_key="$(cat "$checkout/image/packages"; echo "$boot_packages")"
  packages_key="$(sha256sum <<<"$packages_key" | cut -d' ' -f1)"
  if [ -f "$base/.boot-check-base" ] && [ "$(cat "$base/.boot-check-base")" = "$packages_key" ]; then return 0; fi
  local started
  started="$(stamp)"
  if [ ! -f "$base/.orchestrator-base" ]; then
    rm -rf "$base"
    if [ -f "$chroot_root/.orchestrator-base" ]; then
      echo "==> copying the chroot install check's Debian root ($chroot_root)"
      cp -a "$chroot_root" "$base"
      # What an earlier install left there goes: the disk's first boot must be a first install.
      rm -rf "$base/opt/orchestrator" "$base/etc/orchestrator" "$base/boot/firmware" \
        "$base/etc/systemd/system/orchestrator"*.service "$base/etc/systemd/system/multi-user.target.wants/orchestrator"*.service \
        "$base/usr/lib/sysusers.d/orchestrator.conf" "$base/etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection" \
        "$base/etc/NetworkManager/dnsmasq-shared.d/orchestrator.conf"
    else
      local mirror
      mirror="$("$checkout/image/debian-mirror.sh")"
      echo "==> debootstrap arm64 trixie into $base${mirror:+ from $mirror}"
      nice -n 10 debootstrap --arch=arm64 --variant=minbase --include=ca-certificates trixie "$base" ${mirror:+"$mirror"}
      echo "TIMING debootstrap $(($(stamp) - started)) s"
      mount_into "$base"
      echo "==> the image stage's packages (image/packages)"
      in_chroot "$base" apt-get update -qq
      # shellcheck disable=SC2046 # one package per word
      in_chroot "$base" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(cat "$checkout/image/packages") curl
      touch "$base/.orchestrator-base"
    fi
  fi
  mount_into "$base"
  echo "==> the packages a booting machine needs, and the stage's (image/packages): $boot_packages"
  in_chroot "$base" apt-get update -qq
  # shellcheck disable=SC2046,SC2086 # one package per word
  in_chroot "$base" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $boot_packages $(cat "$checkout/image/packages")
  in_chroot "$base" apt-get clean
  printf '%s\n' "$packages_key" >"$base/.boot-check-base"
  echo "TIMING base root $(($(stamp) - started)) s"
}

# The key of an installed root: everything the install reads from the checkout.
install_key() {
  (cd "$checkout" && find dist demo package.json package-lock.json README.md systemd scripts image/packages image/stage-orchestrator image/build.sh -type f -print0 |
    sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# better-sqlite3 for arm64, compiled here with Debian's cross compiler against the root's own
# Node.js headers, packed as prebuild-install's tarball: the install's `npm ci` then finds it as a
# local prebuild (npm_config_better_sqlite3_local_prebuilds) instead of compiling for an hour
# under emulation. Prints the tarball's path.
cross_build_addon() {
  set -e
  local version abi name tarball work headers started
  version="$(node -p "require('$checkout/package-lock.json').packages['node_modules/better-sqlite3'].version")"
  abi="$(in_chroot "$base" node -p process.versions.modules)"
  name="better-sqlite3-v$version-node-v$abi-linux-arm64.tar.gz"
  tarball="$cache/prebuilds/$name"
  if [ -f "$tarball" ]; then printf '%s\n' "$tarball"; return 0; fi
  started="$(stamp)"
  work="$(mktemp -d)"
  # The headers of the root's Node.js (libnode-dev), unpacked here rather than installed in the image.
  (cd "$work" && in_chroot "$base" /bin/bash -c 'cd /tmp && apt-get download -qq libnode-dev && ls /tmp/libnode-dev_*.deb' >"$work/deb")
  dpkg-deb -x "$base$(cat "$work/deb")" "$work/libnode"
  rm -f "$base$(cat "$work/deb")"
  headers="$work/nodedir"
  mkdir -p "$headers/include"
  if [ -d "$work/libnode/usr/include/node" ]; then
    cp -a "$work/libnode/usr/include/node" "$headers/include/node"
  else
    cp -a "$work/libnode/usr/include/nodejs" "$headers/include/node"
  fi
  # node-gyp reads common.gypi and config.gypi beside the headers; Debian keeps them elsewhere.
  for gypi in common.gypi config.gypi; do
    [ -f "$headers/include/node/$gypi" ] ||
      cp "$(find "$work/libnode" /usr/include/node -name "$gypi" -print -quit)" "$headers/include/node/$gypi"
  done
  cp -a "$checkout/node_modules/better-sqlite3" "$work/better-sqlite3"
  rm -rf "$work/better-sqlite3/build"
  [ "$(node -p "require('$work/better-sqlite3/package.json').version")" = "$version" ] ||
    { echo "node_modules/better-sqlite3 is not the locked $version: run npm ci" >&2; return 1; }
  (cd "$work/better-sqlite3" &&
    CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
      CC_host=gcc CXX_host=g++ nice -n 10 node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" \
      rebuild --release --arch=arm64 --nodedir="$headers" --jobs=2 >&2)
  mkdir -p "$cache/prebuilds"
  tar -C "$work/better-sqlite3" -czf "$tarball.tmp" build/Release/better_sqlite3.node
  mv "$tarball.tmp" "$tarball"
  rm -rf "$work"
  echo "TIMING cross-compile better-sqlite3 $(($(stamp) - started)) s" >&2
  printf '%s\n' "$tarball"
}

build_root() { # the base plus the stage's install, then what only the test disk has
  set -e
  trap unmount_all EXIT
  local key started tarball work
  key="$(install_key)"
  if [ -f "$root/.boot-check-installed" ] && [ "$(cat "$root/.boot-check-installed")" = "$key" ]; then return 0; fi
  mount_into "$base"
  tarball="$(cross_build_addon)"
  unmount_all
  started="$(stamp)"
  rm -rf "$root"
  cp -a "$base" "$root"
  mount_into "$root"
  mkdir -p "$root/tmp/prebuilds"
  cp "$tarball" "$root/tmp/prebuilds/"
  trust_build_host_cas "$root"
  echo "==> the stage's run script (scripts/install.sh --image), with on_chroot as pi-gen defines it"
  work="$(mktemp -d)"
  bash "$checkout/image/build.sh" --prepare "$work" --ssid "Image Default" --psk image-default-pass --country GB
  # shellcheck disable=SC2317 # called by the stage script, through export -f
  on_chroot() { nice -n 10 chroot "$ROOTFS_DIR" /bin/bash -e; }
  export -f on_chroot
  ROOTFS_DIR="$root" npm_config_better_sqlite3_local_prebuilds=/tmp/prebuilds "$work/stage-orchestrator/00-orchestrator/01-run.sh"
  rm -rf "$work" "$root/tmp/prebuilds"
  echo "TIMING install.sh --image $(($(stamp) - started)) s"

  printf '%s\n' "$key" >"$root/.boot-check-installed"
}

# The card's layout, as Raspberry Pi OS has it: a 512 MiB FAT boot partition from 1 MiB, then the root.
boot_mib=512
root_offset_mib=$((1 + boot_mib))
# Where the boot partition's files wait while the root filesystem is made.
staged="$cache/bootfs"

build_disk() { # a Pi-like card: FAT bootfs (the root's /boot/firmware) and ext4 rootfs, no loop device
  set -e
  local key root_mib disk="$cache/disk.img"
  # The disk follows the installed root and what only the test disk has (image/boot).
  key="$(cat "$root/.boot-check-installed") $(cd "$checkout" && find image/boot -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if [ -f "$disk" ] && [ "$(cat "$cache/disk.key" 2>/dev/null)" = "$key" ]; then return 0; fi
  for target in dev/pts dev sys proc; do ! mountpoint -q "$root/$target" || umount -l "$root/$target"; done
  cp "$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -n 1)" "$cache/vmlinuz"
  cp "$(find "$root/boot" -maxdepth 1 -name 'initrd.img-*' | sort | tail -n 1)" "$cache/initrd.img"
  # The boot partition's files leave the root while it is copied (on the card they live on the
  # FAT) and come back however this ends.
  restore_boot_files() {
    if [ -d "$staged" ]; then rm -rf "$root/boot/firmware" && mv "$staged" "$root/boot/firmware"; fi
  }
  # What only the test disk has: fstab, the check agent and its scripts, two simulated radios, the
  # uinput reset button and a drop-in that points the orchestrator at it and at the virtio GPU.
  cat >"$root/etc/fstab" <<'EOF'
LABEL=rootfs / ext4 defaults,noatime 0 1
LABEL=bootfs /boot/firmware vfat defaults 0 2
EOF
  local unit
  for unit in boot-check-agent.service boot-check-button.service; do
    install -m 0644 "$checkout/image/boot/$unit" "$root/etc/systemd/system/$unit"
    ln -sfn "/etc/systemd/system/$unit" "$root/etc/systemd/system/multi-user.target.wants/$unit"
  done
  install -D -m 0644 "$checkout/image/boot/boot-check-orchestrator.conf" "$root/etc/systemd/system/orchestrator.service.d/boot-check.conf"
  install -m 0644 "$checkout/image/boot/boot-check-button.rules" "$root/etc/udev/rules.d/70-boot-check-button.rules"
  install -m 0644 "$checkout/image/boot/boot-check-hwsim.conf" "$root/etc/modprobe.d/boot-check-hwsim.conf"
  printf 'mac80211_hwsim\n' >"$root/etc/modules-load.d/boot-check-hwsim.conf"
  mkdir -p "$root/usr/local/lib/boot-check"
  install -m 0755 "$checkout/image/boot/guest/"*.sh "$checkout/image/boot/guest/"*.py "$root/usr/local/lib/boot-check/"
  restore_boot_files
  trap restore_boot_files EXIT
  mv "$root/boot/firmware" "$staged"
  mkdir -p "$root/boot/firmware"
  root_mib=$(($(du -sm "$root" | cut -f1) + 1024))
  rm -f "$disk.tmp"
  truncate -s $((root_offset_mib + root_mib))M "$disk.tmp"
  printf 'label: dos\nstart=1MiB, size=%dMiB, type=c\ntype=83\n' "$boot_mib" | sfdisk -q "$disk.tmp"
  mkfs.vfat -F 32 -n bootfs --offset 2048 "$disk.tmp" $((boot_mib * 1024)) >/dev/null
  mcopy -s -i "$disk.tmp@@1M" "$staged"/* ::/
  mkfs.ext4 -F -q -L rootfs -E offset=$((root_offset_mib * 1048576)) -d "$root" "$disk.tmp" "${root_mib}M"
  restore_boot_files
  mv "$disk.tmp" "$disk"
  printf '%s\n' "$key" >"$cache/disk.key"
}

case "${1:-}" in
  --build-base) build_base; exit ;;
  --build-root) build_root; exit ;;
  --build-disk) build_disk; exit ;;
  "") ;;
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

# ---------------------------------------------------------------------------------------------
# Tools

if [ "$(id -u)" != 0 ]; then skip "needs root (debootstrap, chroot, mkfs)"; finish; fi
[ -f "$checkout/dist/src/main.js" ] || { echo "build first: npm ci && npm run build" >&2; exit 1; }
needed=()
for tool in qemu-system-aarch64:qemu-system-arm qemu-aarch64-static:qemu-user-static debootstrap:debootstrap \
  aarch64-linux-gnu-g++:g++-aarch64-linux-gnu mkfs.vfat:dosfstools mcopy:mtools sfdisk:fdisk mkfs.ext4:e2fsprogs \
  debugfs:e2fsprogs curl:curl file:file tesseract:tesseract-ocr; do
  command -v "${tool%%:*}" >/dev/null || needed+=("${tool#*:}")
done
if [ ${#needed[@]} -gt 0 ]; then
  echo "==> installing ${needed[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}"; } >&2 ||
    { skip "could not install ${needed[*]}"; finish; }
fi
if [ "$(uname -m)" != aarch64 ]; then
  binfmt=/proc/sys/fs/binfmt_misc
  [ -e "$binfmt/status" ] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null ||
    { skip "binfmt_misc is not available on this kernel (the arm64 root is set up under qemu-user)"; finish; }
  if [ ! -e "$binfmt/qemu-aarch64" ]; then
    conf="$(find /usr/lib/binfmt.d -name 'qemu-aarch64*.conf' -print -quit 2>/dev/null || true)"
    { [ -n "$conf" ] && cat "$conf" >"$binfmt/register"; } 2>/dev/null || { skip "the arm64 binfmt rule cannot be registered here"; finish; }
  fi
fi
mkdir -p "$cache"

# ---------------------------------------------------------------------------------------------
# 1. The disk

started="$(stamp)"
if ! bash "$0" --build-base >"$cache/build-base.log" 2>&1; then
  fail "the Debian arm64 root (see $cache/build-base.log)"
  tail -n 20 "$cache/build-base.log"
  finish
fi
if ! bash "$0" --build-root >"$cache/build-root.log" 2>&1; then
  fail "install.sh --image in the arm64 root (see $cache/build-root.log)"
  tail -n 20 "$cache/build-root.log"
  finish
fi
grep -h '^TIMING' "$cache/build-base.log" "$cache/build-root.log" 2>/dev/null | sed 's/^TIMING /  time: /' || true
addon="$(find "$root/opt/orchestrator/releases" -name better_sqlite3.node -print -quit)"
if [ -n "$addon" ] && file "$addon" | grep -q 'ARM aarch64'; then
  pass "better-sqlite3 in the installed release is an aarch64 ELF ($(file -b "$addon" | cut -d, -f1-2))"
else
  fail "better-sqlite3 in the installed release is not an aarch64 build: ${addon:-missing}"
fi
if ! bash "$0" --build-disk >"$cache/build-disk.log" 2>&1; then
  fail "the disk image (see $cache/build-disk.log)"
  tail -n 20 "$cache/build-disk.log"
  finish
fi
pass "the disk: FAT bootfs + ext4 rootfs with the stage's install ($(du -h --apparent-size "$cache/disk.img" | cut -f1), ready in $(($(stamp) - started)) s)"

# ---------------------------------------------------------------------------------------------
# 2. First boot

rm -rf "$run"
mkdir -p "$run"
cp --sparse=always "$cache/disk.img" "$run/disk.img"
printf 'WIFI_SSID=%s\nWIFI_PSK=%s\nWIFI_COUNTRY=%s\nADMIN_PASSWORD=%s\nSTATION_TOKEN=%s\n' \
  "$conf_ssid" "$conf_psk" "$conf_country" "$conf_admin" "$conf_station_token" >"$run/orchestrator.conf"
mcopy -i "$run/disk.img@@1M" "$run/orchestrator.conf" ::/orchestrator.conf
agent_port=$((host_port + 1))
qemu_pid=
agent=

boot() { # boots $run/disk.img; the console goes to $run/console-N.log
  local cmdline
  cmdline="$(mtype -i "$run/disk.img@@1M" ::/cmdline.txt | head -n 1 | tr -d '\r')"
  boots=$((${boots:-0} + 1))
  console="$run/console-$boots.log"
  boot_started="$(stamp)"
  # The Pi's own kernel command line (root=LABEL=rootfs, the Wi-Fi country, ...) plus the virt board's serial console.
  qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m "$memory" -nographic \
    -kernel "$cache/vmlinuz" -initrd "$cache/initrd.img" -append "$cmdline console=ttyAMA0" \
    -drive "file=$run/disk.img,format=raw,if=none,id=card" -device virtio-blk-pci,drive=card \
    -netdev "user,id=net,hostfwd=tcp:127.0.0.1:$host_port-:$guest_port" -device virtio-net-pci,netdev=net,romfile= \
    -device virtio-gpu-pci \
    -audiodev "wav,id=tv,path=$run/tv-audio-$boots.wav" -device intel-hda -device hda-output,audiodev=tv \
    -device virtio-serial-pci -chardev "socket,id=agent,host=127.0.0.1,port=$agent_port,server=on,wait=off" \
    -device virtserialport,chardev=agent,name=boot-check \
    -monitor "unix:$run/monitor.sock,server=on,wait=off" -serial "file:$console" \
    </dev/null >"$run/qemu-$boots.log" 2>&1 &
  qemu_pid=$!
  agent=
}
# stop_child PID: ends a child process of this script (nothing when PID is empty).
stop_child() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_qemu() { stop_child "$qemu_pid"; qemu_pid=; }
tv_watcher=
stop_tv_watcher() { stop_child "$tv_watcher"; tv_watcher=; }
trap 'stop_tv_watcher; stop_qemu' EXIT

# guest SECONDS COMMAND: runs COMMAND (one line of shell) as root in the guest; prints its output,
# returns its status (124 when it did not end in time).
guest() {
  local seconds="$1" marker line deadline
  shift
  # Unique per call, also in a subshell ($(...) and pipelines), which may repeat $RANDOM.
  marker="__boot_check_$(date +%s%N)_${BASHPID}_$RANDOM"
  printf '( %s ) </dev/null 2>&1; printf "\\n%s %%s\\n" "$?"\n' "$*" "$marker" >&"$agent" || return 125
  deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    IFS= read -r -t $((deadline - SECONDS)) -u "$agent" line || continue
    line="${line%$'\r'}"
    if [[ "$line" == "$marker "* ]]; then return "${line#"$marker "}"; fi
    [[ "$line" == __boot_check_* ]] || printf '%s\n' "$line"
  done
  return 124
}
# Waits for the agent's shell (it starts with multi-user.target); false when the guest never answers.
wait_for_agent() {
  local deadline=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$qemu_pid" 2>/dev/null || return 1
    if [ -z "$agent" ]; then
      { exec {agent}<>"/dev/tcp/127.0.0.1/$agent_port"; } 2>/dev/null || { agent=; sleep 2; continue; }
    fi
    if guest 3 true >/dev/null; then return 0; fi
  done
  return 1
}
station() { # station URL COMMAND ARGS...: image/boot/station.esm, run in the checkout
  (cd "$checkout" && node --input-type=module - "$@" <"$checkout/image/boot/station.esm")
}
health() { curl -fsS --max-time 10 "http://127.0.0.1:$host_port/health"; }
# player_scan TOKEN_ID: what POST /api/scan answers a player's scanner for TOKEN_ID.
player_scan() { curl -sS --max-time 20 -H 'content-type: application/json' -d "{\"tokenId\":\"$1\",\"deviceId\":\"BOOT_CHECK_PLAYER\"}" "http://127.0.0.1:$host_port/api/scan" 2>&1; }
tv() { # tv COMMAND ARGS...: image/boot/screen.esm (qemu's monitor, the screendumps), run in the checkout
  (cd "$checkout" && node --input-type=module - "$@" <"$checkout/image/boot/screen.esm")
}
# api_field ROUTE FIELD: one field (a dotted path; objects as JSON) of what GET ROUTE answers, empty when it does not.
api_field() {
  curl -fsS --max-time 10 "http://127.0.0.1:$host_port$1" 2>/dev/null |
    node -e 'let v = JSON.parse(require("fs").readFileSync(0, "utf8")); for (const k of process.argv[1].split(".")) v = v?.[k]; console.log(typeof v === "object" ? JSON.stringify(v) : String(v))' "$2" 2>/dev/null
}
game_state() { api_field /api/state "$1"; }

boot
# The TV from the first power-on: the first screendump covered by a picture (not the console), for part 6.
tv first-picture "$run/monitor.sock" "$run/tv-first.ppm" 600 >"$run/tv-first.log" 2>&1 &
tv_watcher=$!
if ! wait_for_agent 600; then
  fail "the first boot: the guest's check agent never answered within 600 s (console: $console)"
  tail -n 30 "$console"
  finish
fi
note "boot to the agent's shell: $(($(stamp) - boot_started)) s"
system_state="$(guest 600 systemctl is-system-running --wait)"
failed_units="$(guest 30 systemctl --failed --no-legend --plain)"
if [ -z "$failed_units" ] && [ "$system_state" = running ]; then
  pass "the first boot reached multi-user.target with no failed unit ($(guest 10 "systemd-analyze time | head -n 1"))"
else
  fail "the first boot: system $system_state; failed units: ${failed_units:-none}"
  guest 30 "systemctl --failed --no-pager; for u in \$(systemctl --failed --no-legend --plain | awk '{print \$1}'); do journalctl -b -u \$u --no-pager | tail -n 15; done"
fi
ready="$(guest 10 systemctl show orchestrator.service -p Type -p ActiveState -p SubState -p ActiveEnterTimestampMonotonic -p NRestarts)"
if grep -qx 'ActiveState=active' <<<"$ready" && grep -qx 'Type=notify' <<<"$ready"; then
  monotonic="$(sed -n 's/^ActiveEnterTimestampMonotonic=//p' <<<"$ready")"
  pass "orchestrator.service is active after READY=1 (Type=notify), $((monotonic / 1000000)) s after the kernel started; restarts: $(sed -n 's/^NRestarts=//p' <<<"$ready")"
else
  fail "orchestrator.service is not active: $(tr '\n' ' ' <<<"$ready")"
  guest 20 journalctl -b -u orchestrator.service --no-pager -n 30
fi
boot_files="$(guest 10 "ls /boot/firmware; cat /boot/firmware/orchestrator.conf.applied")"
hotspot_ssid="$(guest 10 "sed -n 's/^ssid=//p' /etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection")"
if grep -qx 'orchestrator.conf.applied' <<<"$boot_files" && ! grep -qx 'orchestrator.conf' <<<"$boot_files" &&
  ! grep -q -e "$conf_psk" -e "$conf_admin" -e "$conf_station_token" <<<"$boot_files" && [ "$hotspot_ssid" = "$conf_ssid" ]; then
  pass "the first-boot unit applied orchestrator.conf (hotspot SSID \"$hotspot_ssid\") and renamed it orchestrator.conf.applied without its secrets"
else
  fail "the first boot's settings: hotspot SSID \"$hotspot_ssid\"; boot partition: $(tr '\n' ' ' <<<"$boot_files")"
fi
health_started="$(stamp)"
until answer="$(health 2>&1)" || [ $(($(stamp) - health_started)) -gt 120 ]; do sleep 2; done
if [ -n "$answer" ] && health >/dev/null 2>&1; then
  pass "/health through the forwarded port: $answer"
else
  fail "/health through the forwarded port: $answer"
fi
if login="$(station "http://127.0.0.1:$host_port" login "$conf_admin" 2>&1)"; then
  pass "the admin password from orchestrator.conf logs in ($login)"
else
  fail "admin login with the password from orchestrator.conf: $login"
fi

# ---------------------------------------------------------------------------------------------
# 6. The TV (first half; the second follows the button): mpv's DRM output on the virtio GPU (the
# disk's drop-in sets VIDEO_OUTPUT=drm and mpv's software DRM output), read back from the host by
# qemu's `screendump`, here before any session, when the product's rule is the welcome screen.

# tv_words FILE: the text tesseract reads in a screendump, on one line.
tv_words() { tesseract "$1" - 2>/dev/null | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }
# tv_read FILE EXPECTED: screendumps into FILE until the screen shows EXPECTED, for 45 s at most
# (mpv's software output takes seconds to redraw here): `welcome` (the idle image's headline with
# the Wi-Fi name, in text or in its QR code) or a session's name (its scoreboard). Sets tv_look
# (size, coverage, QR code), tv_text, tv_covered, tv_qr_ssid, tv_seen_at; false when not seen.
tv_read() {
  local file="$1" expected="$2" started
  started="$(stamp)"
  tv_look='' tv_text='' tv_covered=0 tv_qr_ssid='' tv_seen_at='' tv_error=''
  while :; do
    if tv_error="$(tv dump "$run/monitor.sock" "$file" 2>&1)"; then
      tv_look="$(tv look "$file")"
      tv_text="$(tv_words "$file")"
      tv_covered="$(node -p 'JSON.parse(process.argv[1]).covered' "$tv_look")"
      tv_qr_ssid="$(node -p 'JSON.parse(process.argv[1]).qr ?? ""' "$tv_look" | sed -n 's/^WIFI:.*S:\([^;]*\);.*/\1/p')"
      if node -e 'process.exit(Number(process.argv[1]) >= 0.5 ? 0 : 1)' "$tv_covered"; then
        if [ "$expected" = welcome ]; then
          grep -qi 'waiting for the next memory' <<<"$tv_text" && { grep -qF "$conf_ssid" <<<"$tv_text" || [ "$tv_qr_ssid" = "$conf_ssid" ]; } &&
            tv_seen_at="$(date +%s.%N)"
        else
          grep -qF "$expected" <<<"$tv_text" && grep -q 'Score' <<<"$tv_text" && tv_seen_at="$(date +%s.%N)"
        fi
        [ -z "$tv_seen_at" ] || return 0
      fi
    fi
    [ $(($(stamp) - started)) -lt 45 ] || return 1
    sleep 1
  done
}
tv_size() { node -p 'const f = JSON.parse(process.argv[1]); f.width + "x" + f.height' "$tv_look"; }
# The orchestrator's and mpv's last words on the TV, for a FAIL.
tv_journal() {
  guest 10 "journalctl -b -u orchestrator -o cat --no-pager | grep -E '\"component\":\"(video|mpv|room-screen)\"' | tail -n 3; echo \"mpv's log: \$(grep -c -i 'failed to commit' /run/orchestrator/mpv-tv.log) failed DRM commits\"; tail -n 2 /run/orchestrator/mpv-tv.log" | tr '\n' ' '
}

connector="$(guest 10 "grep -l '^connected' /sys/class/drm/card*-*/status 2>/dev/null | head -n 1")"
tv_skipped=''
if [ -z "$connector" ]; then
  tv_skipped="the guest has no connected DRM connector ($(guest 10 "ls /sys/class/drm" | tr '\n' ' '))"
elif ! command -v tesseract >/dev/null; then
  tv_skipped="tesseract is not installed here (the check reads the screen with it)"
fi
if [ -n "$tv_skipped" ]; then
  skip "6. the TV: $tv_skipped"
  stop_tv_watcher
else
  # The first picture of this boot: the watcher started with qemu is given a minute more at most.
  waited="$(stamp)"
  while kill -0 "$tv_watcher" 2>/dev/null && [ $(($(stamp) - waited)) -lt 60 ]; do sleep 1; done
  stop_tv_watcher
  first_at="$(grep -E '^[0-9]+$' "$run/tv-first.log" | tail -n 1)"
  if [ -n "$first_at" ] && [ -f "$run/tv-first.ppm" ]; then
    first="first picture $((first_at - boot_started)) s after qemu started, reading \"$(tv_words "$run/tv-first.ppm")\""
  else
    first="the first picture was not seen: $(tail -n 1 "$run/tv-first.log")"
  fi
  if tv_read "$run/tv-idle.ppm" welcome; then
    pass "the TV: mpv's DRM output on the virtio GPU ($(basename "$(dirname "$connector")")) shows the idle screen before any session, read back by screendump ($(tv_size), ${tv_covered} of it covered, not a black frame): \"$tv_text\"${tv_qr_ssid:+; its QR code joins the Wi-Fi \"$tv_qr_ssid\"}; $first"
  else
    fail "the TV does not show the idle screen within 45 s: videoDisplayReady $(game_state systemStatus.videoDisplayReady), video $(game_state video); screendump ${tv_look:-$tv_error}, read \"$tv_text\"; $first; $(tv_journal)"
  fi
fi

# ---------------------------------------------------------------------------------------------
# 3. A GM scan from the host

if scan="$(station "http://127.0.0.1:$host_port" scan "$conf_admin" "$conf_station_token" 2>&1)"; then
  transaction_id="$(node -p 'JSON.parse(process.argv[1]).id' "$scan" 2>/dev/null)"
  # The guest's own Node.js and better-sqlite3 read the game log the service writes.
  logged="$(guest 30 "cd /opt/orchestrator/current && node -e 'const db = new (require(\"better-sqlite3\"))(\"/var/lib/orchestrator/orchestrator.db\", { readonly: true }); const row = db.prepare(\"SELECT id, token_id, team_id FROM transactions WHERE id = ?\").get(process.argv[1]); console.log(row ? JSON.stringify(row) : \"absent\")' '$transaction_id'")"
  if [ -n "$transaction_id" ] && [[ "$logged" == \{* ]]; then
    pass "a GM station on the host identified with the station token and submitted a token; in the guest's SQLite log: $logged"
  else
    fail "the GM scan was acknowledged ($scan) but the guest's SQLite log has: $logged"
  fi
else
  fail "a GM scan from the host: $scan"
fi

# ---------------------------------------------------------------------------------------------
# 4. The hotspot, for real: two simulated radios, NetworkManager's access point on wlan0 and a
# client on wlan1 in its own network namespace (everything inside the guest).

if ! guest 10 "test -d /sys/module/mac80211_hwsim && test -e /sys/class/net/wlan1" >/dev/null; then
  skip "4. the hotspot: the guest has no mac80211_hwsim radios ($(guest 10 "modprobe -n -v mac80211_hwsim 2>&1 | tail -n 1"))"
else
  hotspot_started="$(stamp)"
  # The whole answer is read before it is searched: a reader that stops early leaves the rest behind.
  hotspot_active() { local active; active="$(guest 10 "nmcli -t -f NAME,DEVICE connection show --active")"; grep -qx 'orchestrator-hotspot:wlan0' <<<"$active"; }
  until hotspot_active || [ $(($(stamp) - hotspot_started)) -gt 120 ]; do sleep 2; done
  hotspot_up="$(guest 10 "journalctl -b -o short-monotonic -u NetworkManager --no-pager | grep -m 1 'device (wlan0): Activation: successful' | sed -E 's/^\[ *([0-9]+)\..*/\1/'")"
  if hotspot_active; then
    pass "NetworkManager brought up the installed hotspot profile on wlan0 by itself, ${hotspot_up:-?} s after the kernel started"
    client="$(guest 240 "/usr/local/lib/boot-check/hotspot-client.sh '$conf_ssid' '$conf_psk' $guest_port")"
    if grep -q '"status":"ok"' <<<"$client" && grep -q '^GET /gm 200$' <<<"$client"; then
      pass "a Wi-Fi client on the second radio joined \"$conf_ssid\" with the passphrase, got $(grep -o 'inet [0-9.]*' <<<"$client" | head -n 1) by DHCP, resolved orchestrator.show and got /health and /gm"
    else
      fail "the hotspot's client: $(tail -n 8 <<<"$client" | tr '\n' ' ')"
      guest 20 "journalctl -b -u NetworkManager --no-pager | tail -n 20"
    fi
  else
    fail "NetworkManager did not bring up orchestrator-hotspot on wlan0: $(guest 10 "nmcli -t device; journalctl -b -u NetworkManager --no-pager | grep -i -E 'hotspot|wlan0' | tail -n 10" | tr '\n' ' ')"
    skip "4. the hotspot's client: there is no hotspot to join"
  fi
fi

# ---------------------------------------------------------------------------------------------
# 5. The button: a uinput device with the overlay's key code, as the gpio-keys device would be
# (boot-check-button.service, started before the orchestrator; the disk's drop-in sets
# RESET_BUTTON_DEVICE=/dev/input/boot-check-button).

url="http://127.0.0.1:$host_port"
# The button's events as the orchestrator logs them (pressed, short-press with heldMs, reset, ignored, ...).
button_events() { guest 10 "journalctl -b -u orchestrator -o cat --no-pager | grep '\"component\":\"button\"' | grep -o '\"event\":{[^}]*}'"; }
button_node="$(guest 10 "readlink -f /dev/input/boot-check-button")"
if [[ "$button_node" != /dev/input/event* ]]; then
  fail "the uinput button: no /dev/input/boot-check-button: $(guest 10 "systemctl is-active boot-check-button; journalctl -b -u boot-check-button --no-pager | tail -n 5" | tr '\n' ' ')"
else
  # Facts before pressing: the service active, the orchestrator reading that device, its status ok.
  button_ready() {
    [ "$(guest 10 systemctl is-active orchestrator.service)" = active ] &&
      guest 10 "journalctl -b -u orchestrator -o cat --no-pager | grep -q '\"device\":\"/dev/input/boot-check-button\".*reset button ready'" >/dev/null &&
      [ "$(game_state systemStatus.resetButton)" = ok ]
  }
  waited="$(stamp)"
  until button_ready || [ $(($(stamp) - waited)) -gt 120 ]; do sleep 2; done
  if ! button_ready; then
    fail "the button: the orchestrator is not reading /dev/input/boot-check-button ($button_node) with status ok: resetButton $(game_state systemStatus.resetButton); $(guest 10 "journalctl -b -u orchestrator -o cat --no-pager | grep -i 'button' | tail -n 3" | tr '\n' ' ')"
  else
    # What makes the orchestrator slow to see a press: the guest's load and mpv restarting (see image/README.md).
    note "before the presses: load $(guest 10 "cut -d' ' -f1-3 /proc/loadavg"), sound player ready: $(game_state systemStatus.sound.ready), mpv starts that failed since boot: $(guest 10 "journalctl -b -u orchestrator -o cat --no-pager | grep -c 'did not open its IPC socket'")"
    station "$url" watch-reset "$conf_station_token" 60 1 >"$run/watch-reset.log" 2>&1 &
    watcher=$!
    waited="$(stamp)"
    until grep -q '^watching' "$run/watch-reset.log" || ! kill -0 "$watcher" 2>/dev/null || [ $(($(stamp) - waited)) -gt 30 ]; do sleep 0.5; done
    # The 1 s press: waits for the orchestrator's verdict on it (a short press) rather than a fixed time.
    before="$(button_events | grep -c 'short-press')"
    guest 10 "echo 'press 1' >/run/boot-check-button" >/dev/null
    waited="$(stamp)"
    until [ "$(button_events | grep -c 'short-press')" -gt "$before" ] || [ $(($(stamp) - waited)) -gt 20 ]; do sleep 1; done
    short="$(button_events | grep 'short-press' | tail -n 1 | sed -n 's/.*"heldMs":\([0-9]*\).*/\1/p')"
    resets_after_short="$(grep -c '^reset ' "$run/watch-reset.log")"
    # The 3.5 s press: the station must see the reset (watch-reset ends at the first one), or the
    # orchestrator calls it something else.
    before="$(button_events | grep -c -v -e '"pressed"' -e '"reset"')"
    pressed_at="$(date +%s.%N)"
    guest 10 "echo 'press 3.5' >/run/boot-check-button" >/dev/null
    waited="$(stamp)"
    while [ $(($(stamp) - waited)) -lt 30 ]; do
      grep -q '^reset ' "$run/watch-reset.log" && break
      kill -0 "$watcher" 2>/dev/null || break
      # Released and called something else (a short press, ignored): no reset is coming.
      [ "$(button_events | grep -c -v -e '"pressed"' -e '"reset"')" -gt "$before" ] && break
      sleep 0.5
    done
    reset_seen_at="$(date +%s.%N)"
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    resets="$(grep -c '^reset ' "$run/watch-reset.log")"
    events="$(button_events | tail -n 4 | tr '\n' ' ')"
    if [ "$resets_after_short" = 0 ] && [ "$resets" = 1 ] && grep -q '^reset button ' "$run/watch-reset.log" && [ -n "$short" ]; then
      button_reset_at="$reset_seen_at"
      pass "the button: a 3.5 s press of key 148 reset the game, the host's station got sync:full with lastReset.source = button $(awk -v a="$pressed_at" -v b="$reset_seen_at" 'BEGIN { printf "%.1f", b - a }') s after the press began; the 1 s press did nothing (the orchestrator logged a short press of $short ms)"
    else
      fail "the button: resets seen after the 1 s press: $resets_after_short, after the 3.5 s press: $resets ($(tr '\n' ' ' <"$run/watch-reset.log")); the orchestrator's button events: $events; guest load: $(guest 10 "cut -d' ' -f1-3 /proc/loadavg"), mpv start failures in the last minute: $(guest 10 "journalctl -u orchestrator --since '-60s' -o cat --no-pager | grep -c 'did not open its IPC socket'")"
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------
# 6. The TV (second half): what the room sees between clips after the button's reset, then a
# player scan's clip on it.

if [ -n "$tv_skipped" ]; then
  skip "6. the TV after the reset and a player scan: $tv_skipped"
else
  # By the product's rule (src/domain/room-view.ts): the welcome screen while the session has no
  # scan (as after the button's reset) or staff chose it, otherwise the board under its name.
  session_name="$(api_field /api/session name)"
  if [ "$(api_field /api/session transactionCount)" != 0 ] && [ "$(game_state display.mode)" = scoreboard ]; then
    expected="$session_name" shown="the scoreboard of \"$session_name\""
  else
    expected=welcome shown="the welcome screen"
  fi
  what="between clips"
  [ -z "${button_reset_at:-}" ] || what="after the button's reset"
  if tv_read "$run/tv-reset.ppm" "$expected"; then
    after=''
    [ -z "${button_reset_at:-}" ] || after=" $(awk -v a="$button_reset_at" -v b="$tv_seen_at" 'BEGIN { printf "%.0f", b - a }') s after it"
    pass "the TV $what shows $shown$after (screendump $(tv_size), read \"$tv_text\"${tv_qr_ssid:+, its QR code joins the Wi-Fi \"$tv_qr_ssid\"})"
  else
    fail "the TV $what does not show $shown within 45 s: session \"$session_name\" with $(api_field /api/session transactionCount) scans, display $(game_state display), video $(game_state video); screendump ${tv_look:-$tv_error}, read \"$tv_text\"; $(tv_journal)"
  fi
  # A player scan of a token with a clip: the screen must change from what it showed while it plays.
  if [ -f "$run/tv-reset.ppm" ]; then
    clip_token="$(cd "$checkout" && node -p 'Object.entries(require("./demo/tokens.json")).find(([, t]) => t.video)?.[0] ?? ""')"
    scan_at="$(date +%s.%N)"
    scanned="$(player_scan "$clip_token")"
    changed='' playing_at=''
    waited="$(stamp)"
    while [ $(($(stamp) - waited)) -lt 60 ]; do
      video="$(game_state video.status)"
      if [ "$video" = playing ]; then
        playing_at="${playing_at:-$(date +%s.%N)}"
        if tv dump "$run/monitor.sock" "$run/tv-clip.ppm" >/dev/null 2>&1 &&
          node -e 'process.exit(Number(process.argv[1]) >= 0.2 ? 0 : 1)' "$(tv differ "$run/tv-reset.ppm" "$run/tv-clip.ppm")"; then
          changed="$(tv differ "$run/tv-reset.ppm" "$run/tv-clip.ppm")"
          changed_at="$(date +%s.%N)"
          break
        fi
      elif [ -n "$playing_at" ] || [ "$video" = error ]; then
        break # the clip ended, or failed, before the screen changed
      fi
      sleep 0.5
    done
    if [ -n "$changed" ]; then
      clip_words="$(tv_words "$run/tv-clip.ppm")"
      # Back to idle after the clip.
      waited="$(stamp)"
      until [ "$(game_state video.status)" = idle ] || [ $(($(stamp) - waited)) -gt 60 ]; do sleep 1; done
      pass "the TV: a player scan of $clip_token (POST /api/scan: $scanned) played its clip: playing $(awk -v a="$scan_at" -v b="$playing_at" 'BEGIN { printf "%.1f", b - a }') s after the scan, the screendump $(awk -v a="$scan_at" -v b="$changed_at" 'BEGIN { printf "%.1f", b - a }') s after it differs from the screen before in $(awk -v c="$changed" 'BEGIN { printf "%d", c * 100 }') % of its pixels${clip_words:+ and reads \"$clip_words\"}; then $(game_state video.status) again"
    else
      fail "the TV: a player scan of $clip_token ($scanned) did not change the screen: video $(game_state video); $(tv_journal)"
    fi
  else
    fail "the TV: no screendump to compare a clip with (${tv_error:-no screendump})"
  fi
fi

# ---------------------------------------------------------------------------------------------
# 6. The TV's sound: a sting fired while a clip plays, both heard. The guest's HDMI port is an
# emulated HD Audio card whose output qemu writes to a file; the orchestrator's two mpv play
# through the appliance's sound server (PipeWire, WirePlumber), which must mix them.

audio="$run/tv-audio-1.wav"
# sound_server COMMAND ARGS...: a PipeWire tool run in the guest as the sound server's own user
# and socket; its last line ("Volume: 1.00", with " [MUTED]" when muted, from wpctl get-volume).
sound_server() { guest 20 "runuser -u orchestrator -- env XDG_RUNTIME_DIR=/run/orchestrator-sound PIPEWIRE_RUNTIME_DIR=/run/orchestrator-sound $*" 2>&1 | grep -v '^$' | tail -n 1; }
tv_volume=
if ! guest 10 "grep -qi hda /proc/asound/cards" >/dev/null 2>&1; then
  skip "6. the TV's sound: the guest has no HD Audio card ($(guest 10 'cat /proc/asound/cards' 2>&1 | tr '\n' ' '))"
else
  sink="$(sound_server pw-metadata 0 default.audio.sink | sed -n 's/.*value:.\(.*\). type.*/\1/p')"
  # A clip with a steady tone (jaw011: 440 Hz), and the demo's sting (880 and 1320 Hz) over it.
  audio_from="$(stat -c %s "$audio" 2>/dev/null || echo 0)"
  scanned="$(player_scan jaw011)"
  waited="$(stamp)"
  until [ "$(game_state video.status)" = playing ] || [ $(($(stamp) - waited)) -gt 60 ]; do sleep 0.5; done
  sleep 1
  fired="$(station "$url" fire-cue "$conf_admin" first-memory 2>&1)"
  waited="$(stamp)"
  until [ "$(game_state video.status)" = idle ] || [ $(($(stamp) - waited)) -gt 60 ]; do sleep 1; done
  sleep 2
  heard="$(node --input-type=module - "$audio" "$audio_from" 440 880 <"$checkout/image/boot/sound.esm" 2>&1)"
  if node -e 'const h = JSON.parse(process.argv[1]); process.exit(h.clip > 50 && h.sting > 50 && h.together > 0 ? 0 : 1)' "$heard" 2>/dev/null; then
    pass "the TV's sound: a sting (cue first-memory) fired while jaw011's clip played reached the emulated HDMI audio together with the clip's tone, mixed by the sound server (default output ${sink:-?}; heard: $heard)"
  else
    fail "the TV's sound: clip and sting not heard together: scan $scanned, cue $fired, default output ${sink:-none}, heard $heard, sound $(game_state systemStatus.sound), audioReady $(game_state systemStatus.audioReady)"
  fi
  # The output's level at the first boot; then somebody turns it down and mutes it, which the
  # next boot (after the power cut below) must not bring back.
  tv_volume="$(sound_server wpctl get-volume @DEFAULT_AUDIO_SINK@)"
  if [ "$tv_volume" = "Volume: 1.00" ]; then
    pass "the TV's sound comes up at full volume, not muted, at the first boot (wpctl: $tv_volume)"
  else
    fail "the TV's sound at the first boot: wpctl says \"$tv_volume\", not full volume"
  fi
  sound_server wpctl set-volume @DEFAULT_AUDIO_SINK@ 0.2 >/dev/null
  sound_server wpctl set-mute @DEFAULT_AUDIO_SINK@ 1 >/dev/null
  tv_volume="$(sound_server wpctl get-volume @DEFAULT_AUDIO_SINK@)"
  note "turned the TV's sound down and muted it: $tv_volume"
fi

# The first boot's journal of the orchestrator and mpv's log of the TV, kept on the host (the
# guest's journal is in memory and the power cut below ends it).
guest 30 "journalctl -b -u orchestrator -o short-monotonic --no-pager" >"$run/orchestrator-boot-1.log" 2>&1
guest 30 "cat /run/orchestrator/mpv-tv.log" >"$run/mpv-tv-boot-1.log" 2>&1

# ---------------------------------------------------------------------------------------------
# 7. Recovery: the watchdog, then a power cut during submissions.

watched="$(guest 10 systemctl show orchestrator.service -p MainPID -p NRestarts)"
old_pid="$(sed -n 's/^MainPID=//p' <<<"$watched")" old_restarts="$(sed -n 's/^NRestarts=//p' <<<"$watched")"
if [ "${old_pid:-0}" -gt 0 ]; then
  guest 10 "kill -STOP $old_pid" >/dev/null
  stopped_at="$(stamp)"
  recovered=
  while [ $(($(stamp) - stopped_at)) -lt 150 ]; do
    now="$(guest 10 systemctl show orchestrator.service -p MainPID -p NRestarts -p ActiveState)"
    if grep -qx 'ActiveState=active' <<<"$now" && [ "$(sed -n 's/^NRestarts=//p' <<<"$now")" -gt "$old_restarts" ] &&
      [ "$(sed -n 's/^MainPID=//p' <<<"$now")" != "$old_pid" ]; then
      recovered=$(($(stamp) - stopped_at))
      break
    fi
    sleep 2
  done
  if [ -n "$recovered" ] && [ "$recovered" -le 90 ]; then
    pass "the watchdog: SIGSTOP of the orchestrator → systemd restarted it and it was READY again $recovered s later (WatchdogSec=30)"
  else
    fail "the watchdog: no restart to READY within ${recovered:-150} s of SIGSTOP: $(guest 10 "journalctl -b -u orchestrator --no-pager | tail -n 8" | tr '\n' ' ')"
  fi
else
  fail "the watchdog: orchestrator.service has no main process"
fi

station "$url" submit-many "$conf_station_token" 40 >"$run/submitted.log" 2>&1 &
submitter=$!
for _ in $(seq 1 60); do [ "$(grep -c '^acknowledged ' "$run/submitted.log")" -ge 5 ] && break; sleep 0.5; done
# The power cut: qemu is killed, the guest gets no shutdown.
kill -KILL "$qemu_pid" 2>/dev/null
wait "$qemu_pid" 2>/dev/null
qemu_pid=
wait "$submitter" 2>/dev/null
acknowledged="$(grep -c '^acknowledged ' "$run/submitted.log")"
exec {agent}>&-
boot
if ! wait_for_agent 600; then
  fail "the boot after the power cut: the guest never answered (console: $console)"
else
  guest 600 systemctl is-system-running --wait >/dev/null
  ids="$(sed -n 's/^acknowledged //p' "$run/submitted.log" | tr '\n' ' ')"
  present="$(guest 30 "cd /opt/orchestrator/current && node -e 'const db = new (require(\"better-sqlite3\"))(\"/var/lib/orchestrator/orchestrator.db\", { readonly: true }); const q = db.prepare(\"SELECT 1 FROM transactions WHERE id = ?\"); console.log(process.argv.slice(1).filter((id) => q.get(id)).length)' $ids")"
  after="$(guest 10 systemctl is-active orchestrator.service)"
  if [ "$acknowledged" -gt 0 ] && [ "$present" = "$acknowledged" ] && [ "$after" = active ] && health >/dev/null 2>&1; then
    pass "the power cut during submissions: all $acknowledged acknowledged transactions are in the log after the next boot, the service is up and /health answers"
  else
    fail "the power cut: $present of $acknowledged acknowledged transactions after the reboot; service $after"
  fi
  if [ -z "$tv_volume" ]; then
    skip "the TV's sound after a reboot: no sound output at the first boot"
  else
    for _ in $(seq 1 30); do [ "$(guest 10 systemctl is-active orchestrator-sound-session.service)" = active ] && break; sleep 1; done
    for _ in $(seq 1 20); do volume_after="$(sound_server wpctl get-volume @DEFAULT_AUDIO_SINK@)"; [[ "$volume_after" == Volume:* ]] && break; sleep 1; done
    if [ "$volume_after" = "Volume: 1.00" ]; then
      pass "the TV's sound after the reboot: full volume and not muted again (before: \"$tv_volume\", now \"$volume_after\")"
    else
      fail "the TV's sound after the reboot: \"$volume_after\" (before it: \"$tv_volume\"): the sound server restored an old level"
    fi
  fi
  guest 10 "systemctl poweroff" >/dev/null 2>&1 || true
  for _ in $(seq 1 90); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 1; done
  stop_qemu
  # The card after a clean shutdown: its root filesystem checks clean.
  dd if="$run/disk.img" of="$run/rootfs.img" bs=1M skip="$root_offset_mib" conv=sparse status=none
  if fsck_out="$(e2fsck -fn "$run/rootfs.img" 2>&1)"; then
    pass "the root filesystem is clean after the power cut and the next boot (e2fsck -fn)"
  else
    fail "the root filesystem after the power cut: $(tail -n 5 <<<"$fsck_out" | tr '\n' ' ')"
  fi
  rm -f "$run/rootfs.img"
fi
finish
