import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';

const checkout = fileURLToPath(new URL('../..', import.meta.url));
const script = join(checkout, 'scripts/install.sh');
let root: string;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const mode = (path: string) => (statSync(join(root, path)).mode & 0o777).toString(8);

function install(...args: string[]) {
  const result = spawnSync('bash', [script, '--root', root, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`install.sh failed (${result.status}):\n${result.stderr}`);
  return result;
}

beforeAll(() => {
  root = tempDir('staged-root-');
  install('--ssid', 'Show Net', '--psk', 'venue-secret', '--country', 'DE', '--button-pin', '27');
  // Idempotent: a second run changes nothing that the checks below could see twice.
  install('--ssid', 'Show Net', '--psk', 'venue-secret', '--country', 'DE', '--button-pin', '27');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('install.sh --root (a staged install that touches nothing outside the root)', () => {
  it('installs the app as a release with a current link for rollback', () => {
    const version = (JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { version: string }).version;
    expect(readlinkSync(join(root, 'opt/orchestrator/current'))).toBe(`/opt/orchestrator/releases/${version}`);
    expect(statSync(join(root, `opt/orchestrator/releases/${version}/dist/src/main.js`)).isFile()).toBe(true);
    expect(statSync(join(root, `opt/orchestrator/releases/${version}/demo/tokens.json`)).isFile()).toBe(true);
  });

  it('installs and enables the unit, with the journald cap and the hardware watchdog', () => {
    expect(read('etc/systemd/system/orchestrator.service')).toBe(readFileSync(join(checkout, 'systemd/orchestrator.service'), 'utf8'));
    expect(lstatSync(join(root, 'etc/systemd/system/multi-user.target.wants/orchestrator.service')).isSymbolicLink()).toBe(true);
    expect(read('etc/systemd/journald.conf.d/orchestrator.conf')).toMatch(/^SystemMaxUse=64M$/m);
    expect(read('etc/systemd/system.conf.d/orchestrator-watchdog.conf')).toMatch(/^RuntimeWatchdogSec=15s$/m);
  });

  it('declares the user and its device groups for systemd-sysusers', () => {
    const sysusers = read('usr/lib/sysusers.d/orchestrator.conf');
    expect(sysusers).toMatch(/^u orchestrator /m);
    for (const group of ['video', 'render', 'audio', 'input', 'gpio']) expect(sysusers).toContain(`m orchestrator ${group}`);
  });

  it('writes the hotspot as a NetworkManager keyfile readable by root only', () => {
    const path = 'etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection';
    expect(mode(path)).toBe('600');
    const profile = read(path);
    expect(profile).toMatch(/^mode=ap$/m);
    expect(profile).toMatch(/^ssid=Show Net$/m);
    expect(profile).toMatch(/^key-mgmt=wpa-psk$/m);
    expect(profile).toMatch(/^psk=venue-secret$/m);
    expect(profile).toMatch(/^method=shared$/m);
    // Only on the Wi-Fi interface: the hotspot never serves DHCP on Ethernet.
    expect(profile).toMatch(/^interface-name=wlan0$/m);
    expect(profile).toMatch(/^autoconnect=true$/m);
    expect(read('etc/NetworkManager/dnsmasq-shared.d/orchestrator.conf')).toContain('address=/orchestrator.show/10.42.0.1');
  });

  it('adds the button overlay and the kernel parameters once, however often it runs', () => {
    const config = read('boot/firmware/config.txt');
    expect(config.match(/dtoverlay=gpio-key,gpio=27,active_low=1,gpio_pull=up,keycode=148/g)).toHaveLength(1);
    const cmdline = read('boot/firmware/cmdline.txt');
    expect(cmdline.split('\n').filter((line) => line !== '')).toHaveLength(1);
    for (const parameter of ['vc4.force_hotplug=1', 'consoleblank=0', 'cfg80211.ieee80211_regdom=DE']) {
      expect(cmdline.split(/\s+/).filter((word) => word === parameter)).toHaveLength(1);
    }
  });

  it('sets the name GMs open and the idle screen text', () => {
    expect(read('etc/hostname')).toBe('orchestrator\n');
    const env = read('etc/orchestrator/orchestrator.env');
    expect(env).toMatch(/^WIFI_SSID=Show Net$/m);
    // The idle screen's Wi-Fi QR code needs the passphrase; the button pin serves the onoff driver.
    expect(env).toMatch(/^WIFI_PSK=venue-secret$/m);
    expect(env).toMatch(/^RESET_BUTTON_PIN=27$/m);
    expect(env).toContain('http://orchestrator.local:3000/gm');
    expect(mode('etc/orchestrator/orchestrator.env')).toBe('600');
  });

  it('refuses a passphrase WPA2 cannot use', () => {
    const result = spawnSync('bash', [script, '--root', tempDir('staged-bad-'), '--psk', 'short'], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('at least 8 characters');
  });
});

describe('shell scripts', () => {
  it('are shellcheck clean', () => {
    const scripts = ['scripts/install.sh', 'scripts/make-demo-media.sh', '.ci/run'].map((p) => join(checkout, p));
    const result = spawnSync('shellcheck', scripts, { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('install.sh --apply-boot-config (the first-boot settings file)', () => {
  it('applies Wi-Fi, country, button pin and admin password, keeps the rest, and removes the secrets from the file', () => {
    const staged = tempDir('staged-first-boot-');
    try {
      const base = spawnSync('bash', [script, '--root', staged, '--ssid', 'Factory', '--psk', 'factory-pass'], { encoding: 'utf8' });
      expect(base.status).toBe(0);
      const conf = join(staged, 'boot/firmware/orchestrator.conf');
      writeFileSync(conf, 'WIFI_SSID=Venue Show\r\nWIFI_PSK=venue-pass-2026\nWIFI_COUNTRY=FR\nBUTTON_PIN=22\nADMIN_PASSWORD=staff-secret\n');
      const applied = spawnSync('bash', [script, '--root', staged, '--apply-boot-config', conf], { encoding: 'utf8' });
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      const at = (path: string) => readFileSync(join(staged, path), 'utf8');
      const hotspot = at('etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection');
      expect(hotspot).toMatch(/^ssid=Venue Show$/m);
      expect(hotspot).toMatch(/^psk=venue-pass-2026$/m);
      expect(at('boot/firmware/config.txt').match(/dtoverlay=gpio-key,gpio=\d+/g)).toEqual(['dtoverlay=gpio-key,gpio=22']);
      expect(at('boot/firmware/cmdline.txt')).toContain('cfg80211.ieee80211_regdom=FR');
      expect(at('boot/firmware/cmdline.txt')).not.toContain('regdom=GB');
      expect(at('etc/orchestrator/orchestrator.env')).toMatch(/^ADMIN_PASSWORD=staff-secret$/m);
      expect((statSync(join(staged, 'etc/orchestrator/orchestrator.env')).mode & 0o777).toString(8)).toBe('600');
      const scrubbed = readFileSync(conf, 'utf8');
      expect(scrubbed).not.toContain('venue-pass-2026');
      expect(scrubbed).not.toContain('staff-secret');
      expect(scrubbed).toContain('WIFI_COUNTRY=FR');
      // Settings not in the file keep their installed values.
      writeFileSync(conf, 'BUTTON_PIN=5\n');
      expect(spawnSync('bash', [script, '--root', staged, '--apply-boot-config', conf]).status).toBe(0);
      expect(at('etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection')).toMatch(/^psk=venue-pass-2026$/m);
      expect(at('etc/orchestrator/orchestrator.env')).toMatch(/^ADMIN_PASSWORD=staff-secret$/m);
      // And a re-install keeps them too.
      expect(spawnSync('bash', [script, '--root', staged, '--ssid', 'Venue Show', '--psk', 'venue-pass-2026']).status).toBe(0);
      expect(at('etc/orchestrator/orchestrator.env')).toMatch(/^ADMIN_PASSWORD=staff-secret$/m);
    } finally {
      rmSync(staged, { recursive: true, force: true });
    }
  });
});
