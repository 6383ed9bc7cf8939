import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { tempDir } from '../support/temp-dir.js';

const checkout = fileURLToPath(new URL('../..', import.meta.url));
const script = join(checkout, 'scripts/install.sh');
let root: string;
let firstToken: string | undefined;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const ENV = 'etc/orchestrator/orchestrator.env';
const stationToken = (env: string) => /^STATION_TOKEN=(.*)$/m.exec(env)?.[1];
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);
const mode = (path: string) => modeOf(join(root, path));

function install(...args: string[]) {
  const result = spawnSync('bash', [script, '--root', root, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`install.sh failed (${result.status}):\n${result.stderr}`);
  return result;
}

beforeAll(() => {
  root = tempDir('staged-root-');
  install('--ssid', 'Show Net', '--psk', 'venue-secret', '--country', 'DE', '--button-pin', '27');
  firstToken = stationToken(read(ENV));
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

  it('brings the TV\'s sound up at full volume at every start, restoring no volume, mute or output', () => {
    const settings = read('etc/wireplumber/wireplumber.conf.d/50-orchestrator.conf');
    for (const setting of [
      'device.restore-profile = false',
      'device.restore-routes = false',
      'device.routes.default-sink-volume = 1.0',
      'node.stream.restore-props = false',
      'node.stream.restore-target = false',
      'node.stream.default-playback-volume = 1.0',
      'node.restore-default-targets = false',
    ]) {
      expect(settings).toMatch(new RegExp(`^\\s+${setting.replaceAll('.', '\\.')}$`, 'm'));
    }
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
    expect(config.match(/^dtparam=audio=off$/gm)).toHaveLength(1);
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
    // The secure address: Web NFC needs it (the tablets trust the Pi's CA once, from /admin).
    expect(env).toContain('GM stations: https://orchestrator.local:3443/gm');
    expect(mode('etc/orchestrator/orchestrator.env')).toBe('600');
  });

  it('closes the stations with a long random token of its own, kept by a second run and never printed', () => {
    expect(firstToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(stationToken(read(ENV))).toBe(firstToken);
    expect(mode(ENV)).toBe('600');
    const again = install();
    expect(stationToken(read(ENV))).toBe(firstToken);
    expect(again.stdout).not.toContain(firstToken);
    expect(again.stdout).toContain('station token shown on http://orchestrator.local:3000/admin');
  });

  it('refuses a passphrase WPA2 cannot use', () => {
    const result = spawnSync('bash', [script, '--root', tempDir('staged-bad-'), '--psk', 'short'], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('at least 8 characters');
  });
});

describe('install.sh --station-token', () => {
  const staged = (...args: string[]) => {
    const dir = tempDir('staged-token-');
    const result = spawnSync('bash', [script, '--root', dir, ...args], { encoding: 'utf8' });
    const env = () => readFileSync(join(dir, ENV), 'utf8');
    return { dir, result, env };
  };

  it('sets the token, which a re-install without the option keeps', () => {
    const { dir, result, env } = staged('--station-token', 'gm-stations.2026');
    try {
      expect(result.status).toBe(0);
      expect(stationToken(env())).toBe('gm-stations.2026');
      expect(result.stdout).not.toContain('gm-stations.2026');
      expect(spawnSync('bash', [script, '--root', dir]).status).toBe(0);
      expect(stationToken(env())).toBe('gm-stations.2026');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens the stations only when told so: none', () => {
    const { dir, result, env } = staged('--station-token', 'none');
    try {
      expect(result.status).toBe(0);
      expect(stationToken(env())).toBe('none');
      expect(result.stdout).toContain('open to any device on the Wi-Fi');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['short', 'has a space', 'tab\tinside', 'ends-with=', 'quote"inside', '$HOME-token', ''])('refuses %j', (value) => {
    const { dir, result } = staged('--station-token', value);
    try {
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/--station-token (must be none or at least 8 characters|needs a value)/);
      // Refused before anything is written.
      expect(spawnSync('test', ['-e', join(dir, 'etc')]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('sets the station token (a value or none), keeps the other settings, and removes the token from the file', () => {
    const staged = tempDir('staged-first-boot-token-');
    try {
      const at = (path: string) => readFileSync(join(staged, path), 'utf8');
      const apply = (text: string) => {
        writeFileSync(conf, text);
        return spawnSync('bash', [script, '--root', staged, '--apply-boot-config', conf], { encoding: 'utf8' });
      };
      const conf = join(staged, 'boot/firmware/orchestrator.conf');
      expect(spawnSync('bash', [script, '--root', staged, '--psk', 'factory-pass', '--country', 'DE']).status).toBe(0);
      writeFileSync(conf, 'ADMIN_PASSWORD=staff-secret\n');
      expect(spawnSync('bash', [script, '--root', staged, '--apply-boot-config', conf]).status).toBe(0);
      const generated = stationToken(at(ENV));
      expect(generated).toMatch(/^[A-Za-z0-9]{32}$/);

      // Written by hand on another computer: CRLF, and no newline after the last line.
      const applied = apply('WIFI_COUNTRY=FR\r\nSTATION_TOKEN=venue-stations_2026\r\nBUTTON_PIN=22');
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      expect(applied.stdout).not.toContain('venue-stations_2026');
      expect(stationToken(at(ENV))).toBe('venue-stations_2026');
      expect(at(ENV)).toMatch(/^ADMIN_PASSWORD=staff-secret$/m);
      expect(at(ENV)).toMatch(/^RESET_BUTTON_PIN=22$/m);
      expect(at('etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection')).toMatch(/^psk=factory-pass$/m);
      expect(at('boot/firmware/cmdline.txt')).toContain('cfg80211.ieee80211_regdom=FR');
      expect(modeOf(join(staged, ENV))).toBe('600');
      const scrubbed = readFileSync(conf, 'utf8');
      expect(scrubbed).not.toContain('venue-stations_2026');
      expect(scrubbed).toContain('# STATION_TOKEN applied and removed');
      expect(scrubbed).toContain('WIFI_COUNTRY=FR');
      expect(scrubbed).toContain('BUTTON_PIN=22');

      // A file without the token, and a re-install, keep it.
      expect(apply('BUTTON_PIN=5\n').status).toBe(0);
      expect(stationToken(at(ENV))).toBe('venue-stations_2026');
      expect(spawnSync('bash', [script, '--root', staged]).status).toBe(0);
      expect(stationToken(at(ENV))).toBe('venue-stations_2026');

      // none is an explicit choice that stays made.
      expect(apply('STATION_TOKEN=none\n').status).toBe(0);
      expect(stationToken(at(ENV))).toBe('none');
      expect(spawnSync('bash', [script, '--root', staged]).status).toBe(0);
      expect(stationToken(at(ENV))).toBe('none');

      // A bad value changes nothing; a value ending in '=' is refused, not cut short.
      for (const bad of ['STATION_TOKEN=tiny\n', 'STATION_TOKEN=two words\n', 'STATION_TOKEN=abcdefgh=\n', 'STATION_TOKEN=\n']) {
        const refused = apply(bad);
        expect(refused.status).not.toBe(0);
        expect(refused.stderr).toContain('STATION_TOKEN must be none or at least 8 characters');
        expect(stationToken(at(ENV))).toBe('none');
      }
    } finally {
      rmSync(staged, { recursive: true, force: true });
    }
  });
});

describe('install.sh changes only what it is given (an upgrade or a boot file is not a reset)', () => {
  const HOTSPOT = 'etc/NetworkManager/system-connections/orchestrator-hotspot.nmconnection';
  // What the Pi is configured by, besides the hotspot: every byte of these is compared.
  const FILES = [ENV, 'boot/firmware/cmdline.txt', 'boot/firmware/config.txt', 'etc/hostname', 'etc/NetworkManager/dnsmasq-shared.d/orchestrator.conf'];
  let staged: string;
  let conf: string;
  const at = (path: string) => readFileSync(join(staged, path), 'utf8');
  const snapshot = () => Object.fromEntries(FILES.map((path) => [path, at(path)]));
  const run = (...args: string[]) => {
    const result = spawnSync('bash', [script, '--root', staged, ...args], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result;
  };
  const apply = (text: string) => {
    writeFileSync(conf, text);
    return run('--apply-boot-config', conf);
  };
  const setLine = (text: string, key: string, value: string) => text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);

  beforeAll(() => {
    staged = tempDir('staged-keep-');
    conf = join(staged, 'boot/firmware/orchestrator.conf');
    run('--ssid', 'Venue', '--psk', 'venue-pass-2026', '--country', 'FR', '--button-pin', '22', '--station-token', 'venue-stations_2026');
    // Added by staff: a status LED, a setting of their own with its comment, a line after our config.txt block.
    writeFileSync(join(staged, ENV), `${at(ENV)}# the status LED by the door\nRESET_LED_PIN=27\nMY_OWN=1\n`);
    writeFileSync(join(staged, 'boot/firmware/config.txt'), `${at('boot/firmware/config.txt')}dtparam=audio=on\n`);
  });
  afterAll(() => rmSync(staged, { recursive: true, force: true }));

  it('applies a boot file naming only WIFI_SSID to the hotspot and WIFI_SSID, every other byte unchanged', () => {
    const before = snapshot();
    const hotspot = at(HOTSPOT);
    apply('WIFI_SSID=Other\n');
    expect(at(HOTSPOT)).toBe(setLine(hotspot, 'ssid', 'Other'));
    const after = snapshot();
    expect(after[ENV]).toBe(setLine(before[ENV] ?? '', 'WIFI_SSID', 'Other'));
    for (const path of FILES.filter((path) => path !== ENV)) expect(after[path], path).toBe(before[path]);
    // The values themselves, so the comparison above is not between two empty files.
    expect(after[ENV]).toMatch(/^RESET_LED_PIN=27$/m);
    expect(after[ENV]).toMatch(/^MY_OWN=1$/m);
    expect(after[ENV]).toMatch(/^# the status LED by the door$/m);
    expect(after[ENV]).toMatch(/^RESET_BUTTON_PIN=22$/m);
    expect(stationToken(after[ENV] ?? '')).toBe('venue-stations_2026');
    expect(after['boot/firmware/cmdline.txt']).toContain('cfg80211.ieee80211_regdom=FR');
    expect(after['boot/firmware/config.txt']).toMatch(/^dtoverlay=gpio-key,gpio=22,/m);
  });

  it('keeps country, pin, LED, token, passphrase and keys added by hand on a re-install without options', () => {
    const before = snapshot();
    const hotspot = at(HOTSPOT);
    run();
    expect(snapshot()).toEqual(before);
    expect(at(HOTSPOT)).toMatch(/^ssid=Other$/m);
    expect(at(HOTSPOT)).toMatch(/^psk=venue-pass-2026$/m);
    expect(at(HOTSPOT).match(/^(ssid|psk)=.*$/gm)).toEqual(hotspot.match(/^(ssid|psk)=.*$/gm));
  });

  it('lets an option given to a re-install change its setting only', () => {
    const before = snapshot();
    run('--country', 'DE');
    const after = snapshot();
    expect(after['boot/firmware/cmdline.txt']).toBe((before['boot/firmware/cmdline.txt'] ?? '').replace('regdom=FR', 'regdom=DE'));
    for (const path of FILES.filter((path) => path !== 'boot/firmware/cmdline.txt')) expect(after[path], path).toBe(before[path]);
  });

  it('takes BUTTON_PIN (the old name) and RESET_BUTTON_PIN, writing RESET_BUTTON_PIN and the overlay where they stand', () => {
    const before = snapshot();
    apply('BUTTON_PIN=5\n');
    const keycode = ConfigSchema.parse({}).RESET_BUTTON_KEYCODE;
    expect(at(ENV)).toBe(setLine(before[ENV] ?? '', 'RESET_BUTTON_PIN', '5'));
    expect(at(ENV)).not.toMatch(/^BUTTON_PIN=/m);
    const config = at('boot/firmware/config.txt');
    expect(config).toBe((before['boot/firmware/config.txt'] ?? '').replaceAll('GPIO22 ', 'GPIO5 ').replace('gpio=22,', 'gpio=5,'));
    expect(config.match(/^dtoverlay=gpio-key,.*$/gm)).toEqual([`dtoverlay=gpio-key,gpio=5,active_low=1,gpio_pull=up,keycode=${keycode}`]);
    expect(config.endsWith('# <<< orchestrator\ndtparam=audio=on\n')).toBe(true);
    apply('RESET_BUTTON_PIN=6\n');
    expect(at(ENV)).toMatch(/^RESET_BUTTON_PIN=6$/m);
    expect(at('boot/firmware/config.txt')).toMatch(/^dtoverlay=gpio-key,gpio=6,/m);
  });

  it("takes the key code and the port from the env file, else from the app's defaults, never from a copy in the script", () => {
    const defaults = ConfigSchema.parse({});
    const text = readFileSync(script, 'utf8');
    for (const value of [defaults.RESET_BUTTON_KEYCODE, defaults.PORT, defaults.RESET_BUTTON_PIN, defaults.HTTPS_PORT]) {
      expect(text).not.toMatch(new RegExp(`(^|[^0-9])${value}([^0-9]|$)`));
    }
    expect(at(ENV)).toContain(`https://orchestrator.local:${String(defaults.HTTPS_PORT)}/gm`);
    writeFileSync(join(staged, ENV), `${at(ENV)}PORT=8080\nHTTPS_PORT=8443\nRESET_BUTTON_KEYCODE=149\n`);
    apply('RESET_BUTTON_PIN=7\n');
    expect(at('boot/firmware/config.txt')).toMatch(/^dtoverlay=gpio-key,gpio=7,active_low=1,gpio_pull=up,keycode=149$/m);
    const output = run().stdout;
    expect(output).toContain('GM stations open https://orchestrator.local:8443/gm');
    expect(output).toContain('http://orchestrator.local:8080/admin');
    writeFileSync(join(staged, ENV), `${at(ENV)}HTTPS_PORT=none\n`);
    expect(run().stdout).toContain('GM stations open http://orchestrator.local:8080/gm');
  });

  it('renames the Pi from a HOSTNAME line: the name files and the idle screen address, nothing else', () => {
    const before = snapshot();
    apply('HOSTNAME=stage-left\n');
    const after = snapshot();
    expect(after['etc/hostname']).toBe('stage-left\n');
    expect(after['etc/NetworkManager/dnsmasq-shared.d/orchestrator.conf']).toContain('address=/stage-left.show/10.42.0.1');
    expect(after[ENV]).toBe((before[ENV] ?? '').replace('//orchestrator.local:', '//stage-left.local:'));
    expect(after['boot/firmware/cmdline.txt']).toBe(before['boot/firmware/cmdline.txt']);
    expect(after['boot/firmware/config.txt']).toBe(before['boot/firmware/config.txt']);
  });
});
