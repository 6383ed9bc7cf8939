import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A DRM connector of the board, e.g. card1 / HDMI-A-1. */
export interface DrmConnector {
  card: string;
  connector: string;
  /** sysfs file reading `connected` or `disconnected`. */
  statusFile: string;
  connected: boolean;
}

export type Board = 'pi5' | 'pi4' | 'pi3' | 'other-pi' | 'not-a-pi';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/\0/g, '').trim();
  } catch {
    return undefined;
  }
}

/** The board, from the device tree's model string ("Raspberry Pi 4 Model B Rev 1.4"). */
export function detectBoard(hostRoot: string): Board {
  const model = read(join(hostRoot, 'proc/device-tree/model')) ?? read(join(hostRoot, 'sys/firmware/devicetree/base/model'));
  if (model === undefined || !model.startsWith('Raspberry Pi')) return 'not-a-pi';
  if (/^Raspberry Pi 5\b/.test(model)) return 'pi5';
  if (/^Raspberry Pi 4\b|^Raspberry Pi Compute Module 4\b|^Raspberry Pi 400\b/.test(model)) return 'pi4';
  if (/^Raspberry Pi 3\b/.test(model)) return 'pi3';
  return 'other-pi';
}

/**
 * The HDMI connector to drive, found in /sys/class/drm rather than hard-coded (the card
 * number differs between boards and kernels): HDMI-A-1 when a TV is on it, otherwise the
 * first HDMI connector with a TV, otherwise HDMI-A-1 so that a TV plugged in later is found.
 */
export function findHdmiConnector(hostRoot: string): DrmConnector | undefined {
  const connectors = drmConnectors(hostRoot)
    .filter((c) => /^HDMI-A-\d+$/.test(c.connector))
    .sort((a, b) => a.connector.localeCompare(b.connector) || a.card.localeCompare(b.card));
  return (
    connectors.find((c) => c.connected && c.connector === 'HDMI-A-1') ??
    connectors.find((c) => c.connected) ??
    connectors.find((c) => c.connector === 'HDMI-A-1') ??
    connectors[0]
  );
}

/** Every DRM connector in /sys/class/drm (HDMI, DisplayPort, eDP, …), with whether a screen is on it. */
export function drmConnectors(hostRoot: string): DrmConnector[] {
  const drm = join(hostRoot, 'sys/class/drm');
  let entries: string[];
  try {
    entries = readdirSync(drm);
  } catch {
    return [];
  }
  return entries
    .map((name) => /^(card\d+)-(.+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => {
      const statusFile = join(drm, match[0], 'status');
      return { card: match[1] ?? '', connector: match[2] ?? '', statusFile, connected: read(statusFile) === 'connected' };
    });
}

/** Hardware decoding per board; mpv falls back to software decoding when it cannot. */
export function hwdecArgs(board: Board): string[] {
  switch (board) {
    case 'pi5':
      // The Pi 5 decodes HEVC in hardware only; H.264 is decoded in software.
      return ['--hwdec=drm-copy', '--hwdec-codecs=hevc'];
    case 'pi4':
      return ['--hwdec=v4l2m2m-copy,drm-copy', '--hwdec-codecs=h264,hevc'];
    case 'pi3':
    case 'other-pi':
      return ['--hwdec=v4l2m2m-copy', '--hwdec-codecs=h264'];
    case 'not-a-pi':
      return ['--hwdec=auto-safe'];
  }
}

/** The mpv audio device of the HDMI port a connector belongs to (HDMI-A-1 is vc4hdmi0). */
export function hdmiAudioDevice(connector: DrmConnector): string {
  const port = Number(/HDMI-A-(\d+)/.exec(connector.connector)?.[1] ?? '1') - 1;
  return `alsa/hdmi:CARD=vc4hdmi${port},DEV=0`;
}

/**
 * mpv arguments for a Pi driving a TV without a desktop: DRM/KMS output on the connector
 * found in sysfs, a pinned mode, hardware decoding for the board. (The sound's way to that
 * HDMI port is `chooseAudioOutput`'s.)
 */
export function piDisplayArgs(hostRoot: string, board: Board, connector: DrmConnector | undefined, mode: string): string[] {
  const args = ['--vo=gpu', '--gpu-context=drm', `--drm-mode=${mode}`, ...hwdecArgs(board)];
  if (connector) {
    args.push(`--drm-device=${join(hostRoot, 'dev/dri', connector.card)}`, `--drm-connector=${connector.connector}`);
  }
  return args;
}
