#!/usr/bin/env bash
# Installs the show orchestrator as an appliance on Raspberry Pi OS Lite (Bookworm, Trixie).
#
#   sudo scripts/install.sh [options]           install on this Pi (packages, user, app, units, hotspot)
#   scripts/install.sh --root DIR [options]     stage the same files under DIR without touching the host
#                                               (no apt-get, no useradd, no npm, no systemctl)
#   scripts/install.sh --image [options]        inside the image build's chroot: packages and npm, but the
#                                               user comes from sysusers.d at first boot and units are
#                                               enabled by symlink
#   scripts/install.sh --apply-boot-config FILE only the settings (Wi-Fi, country, button pin, admin
#                                               password, station token) from FILE; its secrets are then
#                                               removed from it
# Options: --ssid NAME --psk PASSPHRASE --country CC --button-pin BCM --hostname NAME --source DIR
#          --station-token TOKEN  what GM stations must present: 8 or more of A-Z a-z 0-9 - . _ ~, or none
#                                 (open stations); by default the installed one is kept, else a random one
# Running it again gives the same result (a release of the same version is replaced).
set -euo pipefail

root=/
mode=host
ssid=ShowControl
psk=
country=GB
button_pin=17
host_name=orchestrator
source_dir="$(cd "$(dirname "$0")/.." && pwd)"

# The header comment, from line 2 to the first line of code, is the usage text.
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
# The token is typed on GM tablets and read from a systemd environment file: plain characters are safe in both.
check_station_token() { # check_station_token VALUE WHERE
  local pattern='^[A-Za-z0-9._~-]{8,}$'
  [ "$1" = none ] || [ "$1" = generate ] || [[ "$1" =~ $pattern ]] || die "$2 must be none or at least 8 characters of A-Z a-z 0-9 - . _ ~"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; mode=staged; shift 2 ;;
    --image) mode=image; shift ;;
    --apply-boot-config) boot_config="${2:?--apply-boot-config needs a file}"; configure_only=yes; shift 2 ;;
    --ssid) ssid="${2:?}"; shift 2 ;;
    --psk) psk="${2:?}"; shift 2 ;;
    --country) country="${2:?}"; shift 2 ;;
    --button-pin) button_pin="${2:?}"; shift 2 ;;
    --hostname) host_name="${2:?}"; shift 2 ;;
    --source) source_dir="${2:?}"; shift 2 ;;
    --station-token) station_token_option="${2:?--station-token needs a value}"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) usage 1 ;;
  esac
done

root="${root%/}/"
configure_only="${configure_only:-no}"
station_token_option="${station_token_option:-}"
[ -z "$station_token_option" ] || check_station_token "$station_token_option" --station-token
admin_password=
station_token=
say() { printf '==> %s\n' "$*"; }
in_root() { printf '%s%s' "$root" "${1#/}"; }
put() { # put MODE DEST: writes stdin to DEST under the root with MODE
  local dest
  dest="$(in_root "$2")"
  mkdir -p "$(dirname "$dest")"
  cat >"$dest"
  chmod "$1" "$dest"
}

hotspot="/etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection"
env_file="/etc/orchestrator/orchestrator.env"
# A password or station token set earlier (first boot, by hand, a previous install) survives a re-install.
if [ -f "$(in_root "$env_file")" ]; then
  admin_password="$(sed -n 's/^ADMIN_PASSWORD=//p' "$(in_root "$env_file")")"
  station_token="$(sed -n 's/^STATION_TOKEN=//p' "$(in_root "$env_file")")"
fi
if [ "$configure_only" = yes ]; then
  # Settings not in the file keep their installed values.
  [ -f "$(in_root "$hotspot")" ] && {
    ssid="$(sed -n 's/^ssid=//p' "$(in_root "$hotspot")")"
    psk="$(sed -n 's/^psk=//p' "$(in_root "$hotspot")")"
  }
  # Split at the first '=' only (a value may end in '='); a last line without a newline (Notepad) counts.
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    key="${line%%=*}" value="${line:${#key}+1}"
    case "$key" in
      ADMIN_PASSWORD) admin_password="$value" ;;
      STATION_TOKEN) check_station_token "$value" "$boot_config: STATION_TOKEN"; station_token="$value" ;;
      WIFI_SSID) ssid="$value" ;;
      WIFI_PSK) psk="$value" ;;
      WIFI_COUNTRY) country="$value" ;;
      BUTTON_PIN) button_pin="$value" ;;
      HOSTNAME) host_name="$value" ;;
      ''|'#'*) ;;
      *) printf 'install.sh: %s: unknown setting %s, ignored\n' "$boot_config" "$key" >&2 ;;
    esac
  done <"$boot_config"
  [ -z "$admin_password" ] || [ ${#admin_password} -ge 8 ] || die "ADMIN_PASSWORD must have at least 8 characters"
fi
[ -z "$station_token_option" ] || station_token="$station_token_option"
# Closed by default: a new install gets its own long random token (none, chosen explicitly, opens the
# stations). An image is flashed onto many cards: each makes its own at first start (generate).
if [ -z "$station_token" ] && [ "$mode" = image ]; then
  station_token=generate
elif [ -z "$station_token" ]; then
  station_token="$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)"
  # An empty token would open the stations without anyone choosing to.
  [ ${#station_token} -eq 32 ] || die "could not read a station token from /dev/urandom"
fi
[ -n "$psk" ] || psk="$(tr -dc 'a-km-z2-9' </dev/urandom | head -c 12 || true)"
[ ${#psk} -ge 8 ] || die "--psk must have at least 8 characters (WPA2)"
[[ "$country" =~ ^[A-Z]{2}$ ]] || die "--country must be a two-letter code such as GB"
[[ "$button_pin" =~ ^[0-9]+$ ]] || die "--button-pin must be a BCM pin number"
[ "$configure_only" = yes ] || [ -f "$source_dir/dist/src/main.js" ] || die "$source_dir is not built: run npm ci && npm run build first"

if [ "$configure_only" = no ]; then
if [ "$mode" = host ]; then
  say "packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # build-essential and python3 compile native addons without a prebuilt arm64 binary (onoff's epoll).
  # shellcheck disable=SC2046 # one package per word
  apt-get install -y -qq --no-install-recommends $(cat "$source_dir/image/packages")
fi
if [ "$mode" != staged ]; then
  # In the image build the packages come from the stage's package list (the same file).
  for tool in node npm mpv nmcli; do
    command -v "$tool" >/dev/null || die "$tool is missing: install the packages listed in image/packages"
  done
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die "Node.js $node_major is too old: 20 or newer is needed (NodeSource or Raspberry Pi OS Trixie)"
fi

say "user and groups"
put 0644 /usr/lib/sysusers.d/orchestrator.conf <<'EOF'
# The show orchestrator's own user; the groups give it the display, sound and input devices.
u orchestrator - "Show orchestrator" /var/lib/orchestrator
m orchestrator video
m orchestrator render
m orchestrator audio
m orchestrator input
m orchestrator gpio
EOF
if [ "$mode" = host ]; then
  getent group gpio >/dev/null || groupadd --system gpio
  id orchestrator >/dev/null 2>&1 || useradd --system --home-dir /var/lib/orchestrator --shell /usr/sbin/nologin orchestrator
  usermod -a -G video,render,audio,input,gpio orchestrator
fi

say "application"
version="$(node -p "require('$source_dir/package.json').version" 2>/dev/null || echo unknown)"
release="/opt/orchestrator/releases/$version"
rm -rf "$(in_root "$release")"
mkdir -p "$(in_root "$release")"
for item in dist demo package.json package-lock.json README.md systemd scripts; do
  cp -a "$source_dir/$item" "$(in_root "$release")/"
done
if [ "$mode" != staged ]; then
  (cd "$(in_root "$release")" && npm ci --omit=dev --no-audit --no-fund)
fi
# Rolling back is pointing this link at an older release.
ln -sfn "$release" "$(in_root /opt/orchestrator/current)"
fi

say "configuration"
{
  echo "# Settings of the show orchestrator (see the README's configuration table)."
  echo "WIFI_SSID=$ssid"
  # For the idle screen's Wi-Fi QR code; IDLE_WIFI_QR=off hides it.
  echo "WIFI_PSK=$psk"
  echo "RESET_BUTTON_PIN=$button_pin"
  echo "IDLE_TEXT=Wi-Fi {ssid}   ·   GM stations: http://$host_name.local:3000/gm   ·   {session}"
  [ -z "$admin_password" ] || echo "ADMIN_PASSWORD=$admin_password"
  # GM stations present it when they connect; /admin shows it. none: any device on the Wi-Fi may be a station.
  echo "STATION_TOKEN=$station_token"
} | put 0600 "$env_file"
printf '%s\n' "$host_name" | put 0644 /etc/hostname

if [ "$configure_only" = no ]; then
say "systemd units and drop-ins"
put 0644 /etc/systemd/system/orchestrator.service <"$source_dir/systemd/orchestrator.service"
mkdir -p "$(in_root /etc/systemd/system/multi-user.target.wants)"
ln -sfn /etc/systemd/system/orchestrator.service "$(in_root /etc/systemd/system/multi-user.target.wants/orchestrator.service)"
put 0644 /etc/systemd/journald.conf.d/orchestrator.conf <<'EOF'
# Keep the SD card from filling with logs.
[Journal]
SystemMaxUse=64M
EOF
put 0644 /etc/systemd/system.conf.d/orchestrator-watchdog.conf <<'EOF'
# The SoC's hardware watchdog reboots the Pi if systemd itself stops responding.
[Manager]
RuntimeWatchdogSec=15s
EOF
put 0644 /etc/systemd/system/orchestrator-first-boot.service <"$source_dir/systemd/orchestrator-first-boot.service"
ln -sfn /etc/systemd/system/orchestrator-first-boot.service "$(in_root /etc/systemd/system/multi-user.target.wants/orchestrator-first-boot.service)"
fi

say "boot configuration"
config_txt="$(in_root /boot/firmware/config.txt)"
mkdir -p "$(dirname "$config_txt")"
touch "$config_txt"
# Our block is replaced on every run, so a new button pin takes effect and nothing doubles.
sed -i '/^# >>> orchestrator$/,/^# <<< orchestrator$/d' "$config_txt"
cat >>"$config_txt" <<EOF
# >>> orchestrator
# The reset button: GPIO$button_pin to ground becomes key 148 on a gpio-keys input device.
dtoverlay=gpio-key,gpio=$button_pin,active_low=1,gpio_pull=up,keycode=148
# <<< orchestrator
EOF
cmdline="$(in_root /boot/firmware/cmdline.txt)"
[ -f "$cmdline" ] || printf 'console=tty1 root=LABEL=rootfs rootwait\n' >"$cmdline"
line="$(head -n 1 "$cmdline" | sed -E 's/ ?cfg80211\.ieee80211_regdom=[A-Z]{2}//g')"
# A TV switched on after the Pi still gets a picture; the console never blanks it; the Wi-Fi
# access point uses the venue country's channels.
for parameter in vc4.force_hotplug=1 consoleblank=0 "cfg80211.ieee80211_regdom=$country"; do
  case " $line " in *" $parameter "*) ;; *) line="$line $parameter" ;; esac
done
printf '%s\n' "$line" >"$cmdline"

say "hotspot"
# The access point: WPA2, NetworkManager's DHCP and DNS on wlan0 only, up at boot without any
# uplink. nmcli writes the keyfile offline where it can (NetworkManager 1.44+: Trixie);
# otherwise (Bookworm, build machines without NetworkManager) the same keyfile is written here.
hotspot_keyfile() {
  cat <<EOF
[connection]
id=orchestrator-hotspot
type=wifi
interface-name=wlan0
autoconnect=true
autoconnect-priority=100

[wifi]
mode=ap
ssid=$ssid
band=bg

[wifi-security]
key-mgmt=wpa-psk
proto=rsn
pairwise=ccmp
group=ccmp
psk=$psk

[ipv4]
method=shared
address1=10.42.0.1/24

[ipv6]
method=disabled
EOF
}
nmcli_keyfile() {
  command -v nmcli >/dev/null 2>&1 || return 1
  nmcli --offline connection add type wifi ifname wlan0 con-name orchestrator-hotspot \
    connection.autoconnect yes connection.autoconnect-priority 100 \
    wifi.mode ap wifi.ssid "$ssid" wifi.band bg \
    wifi-sec.key-mgmt wpa-psk wifi-sec.proto rsn wifi-sec.pairwise ccmp wifi-sec.group ccmp wifi-sec.psk "$psk" \
    ipv4.method shared ipv4.addresses 10.42.0.1/24 ipv6.method disabled 2>/dev/null
}
keyfile="$(nmcli_keyfile || hotspot_keyfile)"
printf '%s\n' "$keyfile" | put 0600 "$hotspot"
put 0644 /etc/NetworkManager/dnsmasq-shared.d/orchestrator.conf <<EOF
# The orchestrator by a fixed name for tablets that do not resolve .local names.
address=/$host_name.show/10.42.0.1
EOF

if [ "$configure_only" = yes ]; then
  # The boot partition is readable by anyone holding the card: the secrets leave it.
  sed -i -E 's/^(ADMIN_PASSWORD|WIFI_PSK|STATION_TOKEN)=.*/# \1 applied and removed/' "$boot_config"
  say "settings from $boot_config applied"
  exit 0
fi

if [ "$mode" = host ]; then
  say "starting"
  hostnamectl set-hostname "$host_name" || true
  systemctl daemon-reload
  systemctl enable --now NetworkManager avahi-daemon
  nmcli connection reload || true
  systemctl enable orchestrator.service
  systemctl restart orchestrator.service
fi

# Never the token itself: install output ends up in terminals' scrollback and build logs.
if [ "$station_token" = none ]; then stations="open to any device on the Wi-Fi (STATION_TOKEN=none)"
else stations="need the station token shown on http://$host_name.local:3000/admin"; fi
say "done: Wi-Fi \"$ssid\" (passphrase in /etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection), GM stations open http://$host_name.local:3000/gm and $stations"
