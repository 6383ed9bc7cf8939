import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/system-clock.js';
import { DisplayWatcher } from '../../src/adapters/mpv/display-watcher.js';
import { detectBoard, findHdmiConnector, hwdecArgs, piDisplayArgs } from '../../src/adapters/mpv/pi-display.js';
import { fillIdleText } from '../../src/adapters/video/idle-text.js';
import { assEscape } from '../../src/adapters/mpv/mpv-player.js';
import { tempDir } from '../support/harness.js';

let root: string;
beforeEach(() => {
  root = tempDir('fake-host-');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(path: string, content: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

function connector(name: string, status: 'connected' | 'disconnected'): void {
  write(`sys/class/drm/${name}/status`, `${status}\n`);
}

describe('detectBoard', () => {
  it.each([
    ['Raspberry Pi 5 Model B Rev 1.0\0', 'pi5'],
    ['Raspberry Pi 4 Model B Rev 1.4\0', 'pi4'],
    ['Raspberry Pi 400 Rev 1.0\0', 'pi4'],
    ['Raspberry Pi Compute Module 4 Rev 1.0\0', 'pi4'],
    ['Raspberry Pi 3 Model B Plus Rev 1.3\0', 'pi3'],
    ['Raspberry Pi Zero 2 W Rev 1.0\0', 'other-pi'],
  ])('reads %j as %s', (model, board) => {
    write('proc/device-tree/model', model);
    expect(detectBoard(root)).toBe(board);
  });

  it('is not a Pi without a device-tree model, or with another one', () => {
    expect(detectBoard(root)).toBe('not-a-pi');
    write('proc/device-tree/model', 'Generic x86 board');
    expect(detectBoard(root)).toBe('not-a-pi');
  });
});

describe('findHdmiConnector', () => {
  it('takes HDMI-A-1 when a TV is on it, on whichever card owns it (Pi 4: card1)', () => {
    connector('card1-HDMI-A-1', 'connected');
    connector('card1-HDMI-A-2', 'connected');
    connector('card1-Composite-1', 'disconnected');
    expect(findHdmiConnector(root)).toMatchObject({ card: 'card1', connector: 'HDMI-A-1', connected: true });
  });

  it('takes the other HDMI port when only it has a TV (Pi 5: card2)', () => {
    connector('card2-HDMI-A-1', 'disconnected');
    connector('card2-HDMI-A-2', 'connected');
    expect(findHdmiConnector(root)).toMatchObject({ card: 'card2', connector: 'HDMI-A-2', connected: true });
  });

  it('falls back to HDMI-A-1 with no TV yet, so a TV plugged in later is found', () => {
    connector('card0-HDMI-A-2', 'disconnected');
    connector('card0-HDMI-A-1', 'disconnected');
    expect(findHdmiConnector(root)).toMatchObject({ connector: 'HDMI-A-1', connected: false });
  });

  it('finds nothing without DRM', () => {
    expect(findHdmiConnector(root)).toBeUndefined();
  });
});

describe('piDisplayArgs', () => {
  it('renders through DRM/KMS on the found connector with a pinned mode, board decoding and HDMI audio', () => {
    connector('card1-HDMI-A-2', 'connected');
    const args = piDisplayArgs(root, 'pi4', findHdmiConnector(root), '1920x1080@60');
    expect(args).toEqual(
      expect.arrayContaining([
        '--vo=gpu',
        '--gpu-context=drm',
        '--drm-mode=1920x1080@60',
        `--drm-device=${join(root, 'dev/dri/card1')}`,
        '--drm-connector=HDMI-A-2',
        '--audio-device=alsa/hdmi:CARD=vc4hdmi1,DEV=0',
        ...hwdecArgs('pi4'),
      ]),
    );
  });

  it('decodes only HEVC in hardware on a Pi 5', () => {
    expect(hwdecArgs('pi5')).toContain('--hwdec-codecs=hevc');
    expect(hwdecArgs('pi4').join(' ')).toContain('v4l2m2m-copy');
  });
});

describe('DisplayWatcher', () => {
  it('calls back once when the display appears, not while it stays or goes away', () => {
    connector('card1-HDMI-A-1', 'disconnected');
    const status = join(root, 'sys/class/drm/card1-HDMI-A-1/status');
    let calls = 0;
    const changes: boolean[] = [];
    const watcher = new DisplayWatcher(status, () => (calls += 1), systemClock);
    watcher.onChange((connected) => changes.push(connected));
    expect(watcher.isConnected).toBe(false);
    watcher.check();
    expect(calls).toBe(0);
    writeFileSync(status, 'connected\n');
    watcher.check();
    watcher.check();
    expect(calls).toBe(1);
    writeFileSync(status, 'disconnected\n');
    watcher.check();
    writeFileSync(status, 'connected\n');
    watcher.check();
    expect(calls).toBe(2);
    // Every change, both ways, for the health shown to the admin.
    expect(changes).toEqual([true, false, true]);
  });
});

describe('idle text', () => {
  it('fills the placeholders and drops a dangling separator', () => {
    expect(fillIdleText('GM stations: {url}   ·   {session}', { url: 'http://10.42.0.1:3000', ssid: '', session: 'Friday' })).toBe(
      'GM stations: http://10.42.0.1:3000   ·   Friday',
    );
    expect(fillIdleText('Wi-Fi {ssid} · {url} · {other}', { url: 'u', ssid: 'Show', session: 's' })).toBe('Wi-Fi Show · u · {other}');
    expect(fillIdleText('{url} · {ssid}', { url: 'u', ssid: '', session: '' })).toBe('u');
  });

  it('escapes ASS markup so that text cannot restyle the screen', () => {
    expect(assEscape('a {\\b1} b\nc')).toBe('a \\{\\\\b1\\} b\\Nc');
  });
});
