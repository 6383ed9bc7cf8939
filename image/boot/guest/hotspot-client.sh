#!/usr/bin/env bash
# Test image only, run in the booted appliance by image/boot-check.sh: a Wi-Fi client on the
# second simulated radio, in its own network namespace, joins the hotspot NetworkManager runs
# on the first, takes an address by DHCP and asks the orchestrator for /health and /gm by name.
#   hotspot-client.sh SSID PASSPHRASE PORT
set -euo pipefail
ssid="$1" psk="$2" port="$3"
ns=boot-check-client
say() { printf 'hotspot client: %s\n' "$*"; }

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
# The radio behind wlan1 moves into the namespace, out of NetworkManager's sight.
phy="$(basename "$(readlink -f /sys/class/net/wlan1/phy80211)")"
iw phy "$phy" set netns name "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link set wlan1 up
mkdir -p "/etc/netns/$ns"
: >"/etc/netns/$ns/resolv.conf"
# A control socket, so that wpa_cli can tell when the client has joined.
{ printf 'ctrl_interface=/run/%s-wpa\n' "$ns"; wpa_passphrase "$ssid" "$psk"; } >"/run/$ns-wpa.conf"
ip netns exec "$ns" wpa_supplicant -B -i wlan1 -c "/run/$ns-wpa.conf" -P "/run/$ns-wpa.pid"
for _ in $(seq 1 60); do
  if ip netns exec "$ns" wpa_cli -p "/run/$ns-wpa" -i wlan1 status 2>/dev/null | grep -q '^wpa_state=COMPLETED'; then break; fi
  sleep 1
done
ip netns exec "$ns" wpa_cli -p "/run/$ns-wpa" -i wlan1 status | grep '^wpa_state=COMPLETED' || { say "did not associate"; exit 1; }
say "associated with $ssid"
# udhcpc's default script writes the namespace's resolv.conf (bind-mounted over /etc/resolv.conf).
ip netns exec "$ns" udhcpc -i wlan1 -n -q -t 10 -T 2
ip -n "$ns" -4 -o addr show dev wlan1
address="$(ip netns exec "$ns" getent hosts orchestrator.show | awk '{print $1}')"
say "orchestrator.show is ${address:-unresolved}"
[ "$address" = 10.42.0.1 ] || exit 1
ip netns exec "$ns" curl -fsS --max-time 20 "http://orchestrator.show:$port/health"
echo
ip netns exec "$ns" curl -fsS --max-time 20 -o /dev/null -w 'GET /gm %{http_code}\n' "http://orchestrator.show:$port/gm"
