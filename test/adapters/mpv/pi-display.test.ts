import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectBoard, findHdmiConnector, hdmiAudioDevice, hwdecArgs, piDisplayArgs } from '../../../src/adapters/mpv/pi-display.js';
import { fakeHostPerTest } from '../../support/fake-host.js';

const host = fakeHostPerTest();

function connector(name: string, status: 'connected' | 'disconnected'): void {
  host.write(`sys/class/drm/${name}/status`, `${status}\n`);
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
    host.write('proc/device-tree/model', model);
    expect(detectBoard(host.root)).toBe(board);
  });

  it('is not a Pi without a device-tree model, or with another one', () => {
    expect(detectBoard(host.root)).toBe('not-a-pi');
    host.write('proc/device-tree/model', 'Generic x86 board');
    expect(detectBoard(host.root)).toBe('not-a-pi');
  });
});

describe('findHdmiConnector', () => {
  it('takes HDMI-A-1 when a TV is on it, on whichever card owns it (Pi 4: card1)', () => {
    connector('card1-HDMI-A-1', 'connected');
    connector('card1-HDMI-A-2', 'connected');
    connector('card1-Composite-1', 'disconnected');
    expect(findHdmiConnector(host.root)).toMatchObject({ card: 'card1', connector: 'HDMI-A-1', connected: true });
  });

  it('takes the other HDMI port when only it has a TV (Pi 5: card2)', () => {
    connector('card2-HDMI-A-1', 'disconnected');
    connector('card2-HDMI-A-2', 'connected');
    expect(findHdmiConnector(host.root)).toMatchObject({ card: 'card2', connector: 'HDMI-A-2', connected: true });
  });

  it('falls back to HDMI-A-1 with no TV yet, so a TV plugged in later is found', () => {
    connector('card0-HDMI-A-2', 'disconnected');
    connector('card0-HDMI-A-1', 'disconnected');
    expect(findHdmiConnector(host.root)).toMatchObject({ connector: 'HDMI-A-1', connected: false });
  });

  it('finds nothing without DRM', () => {
    expect(findHdmiConnector(host.root)).toBeUndefined();
  });
});

describe('piDisplayArgs', () => {
  it('renders through DRM/KMS on the found connector with a pinned mode and board decoding', () => {
    connector('card1-HDMI-A-2', 'connected');
    const args = piDisplayArgs(host.root, 'pi4', findHdmiConnector(host.root), '1920x1080@60');
    expect(args).toEqual(
      expect.arrayContaining([
        '--vo=gpu',
        '--gpu-context=drm',
        '--drm-mode=1920x1080@60',
        `--drm-device=${join(host.root, 'dev/dri/card1')}`,
        '--drm-connector=HDMI-A-2',
        ...hwdecArgs('pi4'),
      ]),
    );
  });

  it("names the connector's own HDMI port as its audio device", () => {
    connector('card1-HDMI-A-1', 'connected');
    const found = findHdmiConnector(host.root);
    expect(found).toBeDefined();
    if (!found) return;
    expect(hdmiAudioDevice(found)).toBe('alsa/hdmi:CARD=vc4hdmi0,DEV=0');
    expect(piDisplayArgs(host.root, 'pi5', found, '1920x1080@60').some((arg) => arg.startsWith('--audio-device'))).toBe(false);
  });

  it('decodes only HEVC in hardware on a Pi 5', () => {
    expect(hwdecArgs('pi5')).toContain('--hwdec-codecs=hevc');
    expect(hwdecArgs('pi4').join(' ')).toContain('v4l2m2m-copy');
  });
});
