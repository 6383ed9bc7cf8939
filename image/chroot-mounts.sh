# shellcheck shell=bash
# Sourced by image/chroot-install-check.sh and image/boot-check.sh. The caller keeps the
# `mounted` array and unmounts it (in reverse) on exit.

# mount_into DIR: as pi-gen's on_chroot, proc, sys, dev and dev/pts inside DIR.
mount_into() {
  local dir="$1" target
  for target in proc sys dev dev/pts; do
    mountpoint -q "$dir/$target" && continue
    mkdir -p "$dir/$target"
    case "$target" in
      proc) mount -t proc proc "$dir/proc" ;;
      sys) mount --bind /sys "$dir/sys" ;;
      dev) mount --bind /dev "$dir/dev" ;;
      dev/pts) mount --bind /dev/pts "$dir/dev/pts" ;;
    esac
    mounted+=("$dir/$target")
  done
}
