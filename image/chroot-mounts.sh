# shellcheck shell=bash
# Sourced by image/chroot-install-check.sh and image/boot-check.sh: what both do to an arm64
# root before running the stage's install in it. The caller keeps the `mounted` array and
# unmounts it (in reverse) on exit.

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

# trust_build_host_cas DIR: a build machine behind a TLS-inspecting proxy trusts its CA locally;
# the root's apt and npm need the same trust (pi-gen's own builds inherit it the same way).
trust_build_host_cas() {
  local dir="$1"
  compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null || return 0
  mkdir -p "$dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
  chroot "$dir" update-ca-certificates >/dev/null
}
