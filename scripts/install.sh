#!/usr/bin/env bash
# Installs the show orchestrator as an appliance on Raspberry Pi OS Lite (Bookworm, Trixie).
#
#   sudo scripts/install.sh [options]           install on this Pi (packages, user, app, units, hotspot)
#   scripts/install.sh --root DIR [options]     stage the same files under DIR without touching the host
#                                               (no apt-get, no useradd, no npm, no systemctl)
#   scripts/install.sh --image [options]        inside the image build's chroot: packages and npm, but the
#                                               user comes from sysusers.d at first boot and units are
#                                               enabled by symlink
#   scripts/install.sh --apply-boot-config FILE only the settings FILE names (WIFI_SSID, WIFI_PSK,
#                                               WIFI_COUNTRY, RESET_BUTTON_PIN or BUTTON_PIN, HOSTNAME,
#                                               ADMIN_PASSWORD, STATION_TOKEN); its secrets are then
#                                               removed from it
# Options: --ssid NAME --psk PASSPHRASE --country CC --button-pin BCM --hostname NAME --source DIR
#          --station-token TOKEN  what GM stations must present: 8 or more of A-Z a-z 0-9 - . _ ~, or none
#                                 (open stations)
# A setting not given keeps its installed value (the hotspot, cmdline.txt, config.txt, /etc/hostname,
# /etc/orchestrator/orchestrator.env); a first install uses ShowControl, a random passphrase, GB, the
# app's default button pin, orchestrator and a random station token. Other lines of the env file,
# such as ones added by hand, are left as they are.
# Running it again gives the same result (a release of the same version is replaced).
set -euo pipefail

root=/
mode=host
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
configure_only=no
boot_config=
release=
# Each setting stays empty until it is given (an option, the boot file) or read back from the installed system.
ssid='' psk='' country='' button_pin='' host_name='' station_token='' admin_password=''
given=

# The header comment, from line 2 to the first line of code, is the usage text.
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
is_given() { [[ " $given " == *" $1 "* ]]; }
# check SETTING VALUE WHERE: refuses what the system or the app cannot use, before anything is written.
check() {
  case "$1" in
    ssid) (( ${#2} >= 1 && ${#2} <= 32 )) || die "$3 must have 1 to 32 characters" ;;
    psk) (( ${#2} >= 8 && ${#2} <= 63 )) || die "$3 must have at least 8 characters and at most 63 (WPA2)" ;;
    country) [[ "$2" =~ ^[A-Z]{2}$ ]] || die "$3 must be a two-letter code such as GB" ;;
    button_pin) [[ "$2" =~ ^[0-9]+$ ]] || die "$3 must be a BCM pin number" ;;
    host_name) [[ "$2" =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] || die "$3 must be a host name: letters, digits and -" ;;
    admin_password) (( ${#2} >= 8 )) || die "$3 must have at least 8 characters" ;;
    # The token is typed on GM tablets and read from a systemd environment file: plain characters are safe in both.
    station_token)
      local pattern='^[A-Za-z0-9._~-]{8,}$'
      [ "$2" = none ] || [ "$2" = generate ] || [[ "$2" =~ $pattern ]] || die "$3 must be none or at least 8 characters of A-Z a-z 0-9 - . _ ~" ;;
  esac
}
give() { # give SETTING VALUE WHERE
  check "$@"
  printf -v "$1" '%s' "$2"
  is_given "$1" || given="$given $1"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; mode=staged; shift 2 ;;
    --image) mode=image; shift ;;
    --apply-boot-config) boot_config="${2:?--apply-boot-config needs a file}"; configure_only=yes; shift 2 ;;
    --ssid) give ssid "${2:?}" --ssid; shift 2 ;;
    --psk) give psk "${2:?}" --psk; shift 2 ;;
    --country) give country "${2:?}" --country; shift 2 ;;
    --button-pin) give button_pin "${2:?}" --button-pin; shift 2 ;;
    --hostname) give host_name "${2:?}" --hostname; shift 2 ;;
    --source) source_dir="${2:?}"; shift 2 ;;
    --station-token) give station_token "${2:?--station-token needs a value}" --station-token; shift 2 ;;
    -h|--help) usage 0 ;;
    *) usage 1 ;;
  esac
done

root="${root%/}/"
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
config_txt="$(in_root /boot/firmware/config.txt)"
cmdline="$(in_root /boot/firmware/cmdline.txt)"

# Reading back what is installed: each setting from the file the system uses it from.
env_raw() { # env_raw KEY: KEY's value in the env file as written (the last line wins, as in systemd)
  [ -f "$(in_root "$env_file")" ] || return 0
  sed -n "s/^$1=//p" "$(in_root "$env_file")" | tail -n 1
}
env_value() { # env_value KEY: the same without the quotes systemd allows around it
  local value
  value="$(env_raw "$1")"
  value="${value%$'\r'}"
  case "$value" in \"*\"|\'*\') value="${value:1:${#value}-2}" ;; esac
  printf '%s' "$value"
}
keyfile_value() { # keyfile_value KEY: ssid or psk of the installed hotspot
  [ -f "$(in_root "$hotspot")" ] || return 0
  sed -n "s/^$1=//p" "$(in_root "$hotspot")" | tail -n 1
}
installed_country() { [ -f "$cmdline" ] && sed -n -E '1s/.*(^| )cfg80211\.ieee80211_regdom=([^ ]*).*/\2/p' "$cmdline"; }
installed_overlay_pin() { [ -f "$config_txt" ] && sed -n 's/^dtoverlay=gpio-key,gpio=\([0-9]*\),.*/\1/p' "$config_txt" | tail -n 1; }
installed_host_name() { [ -f "$(in_root /etc/hostname)" ] && head -n 1 "$(in_root /etc/hostname)"; }

if [ "$configure_only" = yes ]; then
  # Split at the first '=' only (a value may end in '='); a last line without a newline (Notepad) counts.
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    key="${line%%=*}" value="${line:${#key}+1}"
    case "$key" in
      ''|'#'*) continue ;;
      # An empty token would open the stations: check refuses it rather than take it as "not given".
      STATION_TOKEN) ;;
      *) if [ -z "$value" ]; then printf 'install.sh: %s: %s is empty, ignored\n' "$boot_config" "$key" >&2; continue; fi ;;
    esac
    case "$key" in
      ADMIN_PASSWORD) give admin_password "$value" "$boot_config: ADMIN_PASSWORD" ;;
      STATION_TOKEN) give station_token "$value" "$boot_config: STATION_TOKEN" ;;
      WIFI_SSID) give ssid "$value" "$boot_config: WIFI_SSID" ;;
      WIFI_PSK) give psk "$value" "$boot_config: WIFI_PSK" ;;
      WIFI_COUNTRY) give country "$value" "$boot_config: WIFI_COUNTRY" ;;
      # BUTTON_PIN is the name the first images documented.
      RESET_BUTTON_PIN|BUTTON_PIN) give button_pin "$value" "$boot_config: $key" ;;
      HOSTNAME) give host_name "$value" "$boot_config: HOSTNAME" ;;
      *) printf 'install.sh: %s: unknown setting %s, ignored\n' "$boot_config" "$key" >&2 ;;
    esac
  done <"$boot_config"
fi
[ "$configure_only" = yes ] || [ -f "$source_dir/dist/src/main.js" ] || die "$source_dir is not built: run npm ci && npm run build first"

# An install writes every setting; --apply-boot-config only those its file names. Either way a
# setting not given keeps its installed value: a re-install is an upgrade, not a reset.
writes() { [ "$configure_only" = no ] || is_given "$1"; }
installed=no
[ ! -f "$(in_root "$env_file")" ] || installed=yes
previous_host_name="$(installed_host_name || true)"
if [ "$installed" = yes ] || [ "$configure_only" = yes ]; then
  [ -n "$ssid" ] || ssid="$(keyfile_value ssid)"
  [ -n "$ssid" ] || ssid="$(env_value WIFI_SSID)"
  [ -n "$psk" ] || psk="$(keyfile_value psk)"
  [ -n "$psk" ] || psk="$(env_value WIFI_PSK)"
  [ -n "$country" ] || country="$(installed_country || true)"
  [ -n "$button_pin" ] || button_pin="$(env_value RESET_BUTTON_PIN)"
  [ -n "$button_pin" ] || button_pin="$(installed_overlay_pin || true)"
  [ -n "$host_name" ] || host_name="$previous_host_name"
  [ -n "$station_token" ] || station_token="$(env_value STATION_TOKEN)"
fi
[ -n "$ssid" ] || ssid=ShowControl
[ -n "$psk" ] || psk="$(tr -dc 'a-km-z2-9' </dev/urandom | head -c 12 || true)"
[ ${#psk} -ge 8 ] || die "could not read a passphrase from /dev/urandom"
[ -n "$country" ] || country=GB
[ -n "$host_name" ] || host_name=orchestrator
# Closed by default: a new install gets its own long random token (none, chosen explicitly, opens the
# stations). An image is flashed onto many cards: each makes its own at first start (generate).
if [ -z "$station_token" ] && [ "$mode" = image ]; then
  station_token=generate
elif [ -z "$station_token" ] && writes station_token; then
  station_token="$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)"
  # An empty token would open the stations without anyone choosing to.
  [ ${#station_token} -eq 32 ] || die "could not read a station token from /dev/urandom"
fi

# The app's own defaults (src/config.ts: ports, button pin, key code), asked of the built app so
# that they are written down in one place. The installed release comes first: it is what will run.
app_defaults=no
load_app_defaults() {
  [ "$app_defaults" = no ] || return 0
  command -v node >/dev/null || die "node is missing: the app's defaults are read from its dist/src/config.js"
  local module values
  for module in ${release:+"$(in_root "$release")/dist/src/config.js"} "$source_dir/dist/src/config.js"; do
    values="$(node -e 'import(require("node:url").pathToFileURL(process.argv[1]).href).then(({ ConfigSchema }) => {
      const d = ConfigSchema.parse({});
      console.log(d.PORT, d.RESET_BUTTON_PIN, d.RESET_BUTTON_KEYCODE, d.HTTPS_PORT);
    })' "$module" 2>/dev/null)" || continue
    if [[ "$values" =~ ^([0-9]+)\ ([0-9]+)\ ([0-9]+)\ ([0-9]+|none)$ ]]; then
      default_port="${BASH_REMATCH[1]}" default_button_pin="${BASH_REMATCH[2]}" default_keycode="${BASH_REMATCH[3]}"
      default_https_port="${BASH_REMATCH[4]}"
      app_defaults=yes
      return 0
    fi
  done
  die "could not read the app's defaults from $source_dir/dist/src/config.js: run npm ci && npm run build first"
}
resolve_port() { # sets port and https_port: the env file's PORT and HTTPS_PORT, else the app's defaults
  port="$(env_value PORT)"
  [ -n "$port" ] || { load_app_defaults; port="$default_port"; }
  https_port="$(env_value HTTPS_PORT)"
  [ -n "$https_port" ] || { load_app_defaults; https_port="$default_https_port"; }
  # The address GMs are given: the secure one (Web NFC needs it), unless HTTPS is off.
  if [ "$https_port" = none ]; then gm_url="http://$host_name.local:$port/gm"
  else gm_url="https://$host_name.local:$https_port/gm"; fi
}

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
# What the app's defaults are needed for is worked out before the first file is written.
if writes button_pin; then
  [ -n "$button_pin" ] || { load_app_defaults; button_pin="$default_button_pin"; }
  keycode="$(env_value RESET_BUTTON_KEYCODE)"
  [ -n "$keycode" ] || { load_app_defaults; keycode="$default_keycode"; }
fi
[ "$configure_only" = yes ] || resolve_port
# The env file is updated, never regenerated: a line is replaced or added only for a setting this
# run writes, so settings added by hand (RESET_LED_PIN, PORT, ...) and comments stay as they are.
set_env() { # set_env KEY VALUE [COMMENT]: replaces KEY's lines, or adds KEY (after # COMMENT) at the end
  local file new line found=no
  file="$(in_root "$env_file")"
  mkdir -p "$(dirname "$file")"
  # mktemp makes it 0600: the secrets in it are never readable by others, not even for a moment.
  new="$(mktemp "$file.XXXXXX")"
  {
    if [ -f "$file" ]; then
      while IFS= read -r line || [ -n "$line" ]; do
        if [[ "$line" == "$1="* ]]; then line="$1=$2" found=yes; fi
        printf '%s\n' "$line"
      done <"$file"
    else
      echo "# Settings of the show orchestrator (see the README's configuration table)."
    fi
    if [ "$found" = no ]; then
      [ -z "${3:-}" ] || printf '# %s\n' "$3"
      printf '%s=%s\n' "$1" "$2"
    fi
  } >"$new"
  mv -f "$new" "$file"
}
! writes ssid || set_env WIFI_SSID "$ssid"
! writes psk || set_env WIFI_PSK "$psk" "For the idle screen's Wi-Fi QR code; IDLE_WIFI_QR=off hides it."
! writes button_pin || set_env RESET_BUTTON_PIN "$button_pin"
if [ "$installed" = no ] && [ "$configure_only" = no ]; then
  set_env IDLE_TEXT "Wi-Fi {ssid}   ·   GM stations: $gm_url   ·   {session}"
elif writes host_name && [ "$host_name" != "$previous_host_name" ] && [ -n "$previous_host_name" ]; then
  # A renamed Pi: the idle screen's address follows, whatever else staff wrote around it.
  idle_text="$(env_raw IDLE_TEXT)"
  [ -z "$idle_text" ] || set_env IDLE_TEXT "${idle_text//"//$previous_host_name.local:"/"//$host_name.local:"}"
fi
! is_given admin_password || set_env ADMIN_PASSWORD "$admin_password"
! writes station_token || set_env STATION_TOKEN "$station_token" "GM stations present it when they connect; /admin shows it. none: any device on the Wi-Fi may be a station."
[ ! -f "$(in_root "$env_file")" ] || chmod 0600 "$(in_root "$env_file")"
! writes host_name || printf '%s\n' "$host_name" | put 0644 /etc/hostname

if [ "$configure_only" = no ]; then
say "systemd units and drop-ins"
# The orchestrator, its first-boot settings, and its sound server (PipeWire and WirePlumber as
# the orchestrator's own system services), each installed and enabled.
mkdir -p "$(in_root /etc/systemd/system/multi-user.target.wants)"
for unit in orchestrator.service orchestrator-first-boot.service orchestrator-sound.service orchestrator-sound-session.service; do
  put 0644 "/etc/systemd/system/$unit" <"$source_dir/systemd/$unit"
  ln -sfn "/etc/systemd/system/$unit" "$(in_root "/etc/systemd/system/multi-user.target.wants/$unit")"
done
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
put 0644 /etc/wireplumber/wireplumber.conf.d/50-orchestrator.conf <<'EOF'
# The TV's sound is the same at every boot: the HDMI port at full volume, nothing muted. By
# default WirePlumber brings a new output up at 40 % of its slider (-24 dB) and restores
# whatever volume, mute or output a player or the port once had: one muted player, restored at
# every start, silences every show after it. The level is set on the TV and per sound effect
# (a cue's volume).
wireplumber.settings = {
  device.restore-profile = false
  device.restore-routes = false
  device.routes.default-sink-volume = 1.0
  node.stream.restore-props = false
  node.stream.restore-target = false
  node.stream.default-playback-volume = 1.0
  node.restore-default-targets = false
}
EOF
fi

say "boot configuration"
mkdir -p "$(dirname "$config_txt")"
if writes button_pin; then
  overlay_block() {
    cat <<EOF
# >>> orchestrator
# The reset button: GPIO$button_pin to ground becomes key $keycode on a gpio-keys input device.
dtoverlay=gpio-key,gpio=$button_pin,active_low=1,gpio_pull=up,keycode=$keycode
# The show's sound goes to the TV: no headphone jack for the sound server to choose instead.
dtparam=audio=off
# <<< orchestrator
EOF
  }
  # Our block is replaced where it stands (or added at the end), so a new pin takes effect and nothing doubles.
  touch "$config_txt"
  placed=no inside=no
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$inside" = yes ]; then
      [ "$line" != '# <<< orchestrator' ] || inside=no
    elif [ "$line" = '# >>> orchestrator' ]; then
      [ "$placed" = yes ] || overlay_block
      placed=yes inside=yes
    else
      printf '%s\n' "$line"
    fi
  done <"$config_txt" >"$config_txt.new"
  [ "$placed" = yes ] || overlay_block >>"$config_txt.new"
  mv -f "$config_txt.new" "$config_txt"
fi
if writes country; then
  [ -f "$cmdline" ] || printf 'console=tty1 root=LABEL=rootfs rootwait\n' >"$cmdline"
  # The country is changed where it stands; the rest of the line is left as it is.
  line="$(head -n 1 "$cmdline" | sed -E "s/(^| )cfg80211\.ieee80211_regdom=[^ ]*/\1cfg80211.ieee80211_regdom=$country/g")"
  # A TV switched on after the Pi still gets a picture; the console never blanks it; the Wi-Fi
  # access point uses the venue country's channels.
  for parameter in vc4.force_hotplug=1 consoleblank=0 "cfg80211.ieee80211_regdom=$country"; do
    case " $line " in *" $parameter "*) ;; *) line="$line $parameter" ;; esac
  done
  printf '%s\n' "$line" >"$cmdline"
fi

if writes ssid || writes psk; then
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
fi
if writes host_name; then
put 0644 /etc/NetworkManager/dnsmasq-shared.d/orchestrator.conf <<EOF
# The orchestrator by a fixed name for tablets that do not resolve .local names.
address=/$host_name.show/10.42.0.1
EOF
fi

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
  systemctl enable orchestrator-sound.service orchestrator-sound-session.service orchestrator.service
  systemctl restart orchestrator-sound.service orchestrator-sound-session.service orchestrator.service
fi

# Never the token itself: install output ends up in terminals' scrollback and build logs.
if [ "$station_token" = none ]; then stations="open to any device on the Wi-Fi (STATION_TOKEN=none)"
else stations="need the station token shown on http://$host_name.local:$port/admin"; fi
say "done: Wi-Fi \"$ssid\" (passphrase in /etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection), GM stations open $gm_url and $stations"
[ "$https_port" = none ] || say "each GM tablet trusts the orchestrator once: /admin (Secure address) shows its certificate and how to install it"
