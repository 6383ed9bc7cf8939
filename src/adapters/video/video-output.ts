import { drmConnectors, type Board } from '../mpv/pi-display.js';

/** Where mpv's picture goes: DRM/KMS, a window (or mpv's own pick), or nowhere at all. */
export type VideoOutput = { output: 'drm' } | { output: 'window' } | { output: 'none'; reason: string };

export interface VideoOutputFacts {
  /** VIDEO_OUTPUT. */
  setting: 'auto' | 'drm' | 'window';
  board: Board;
  /** DISPLAY or WAYLAND_DISPLAY is set: a desktop session to open a window on. */
  desktop: boolean;
  /** Root prefix of /sys. */
  hostRoot: string;
}

/**
 * The output for VIDEO_OUTPUT. `auto` is DRM on a Pi without a desktop, a window on a desktop
 * or where a screen is connected (mpv finds KMS by itself on a console), and otherwise none:
 * without a display mpv would play every clip to nobody and report it completed. The Pi
 * keeps DRM even with its TV unplugged: the connector's watcher takes the TV over once it is
 * plugged in, and reports it disconnected meanwhile.
 */
export function chooseVideoOutput({ setting, board, desktop, hostRoot }: VideoOutputFacts): VideoOutput {
  if (setting === 'drm') return { output: 'drm' };
  if (setting === 'window' || desktop) return { output: 'window' };
  if (board !== 'not-a-pi') return { output: 'drm' };
  if (drmConnectors(hostRoot).some((connector) => connector.connected)) return { output: 'window' };
  return {
    output: 'none',
    reason: 'not a Raspberry Pi, no desktop session (DISPLAY, WAYLAND_DISPLAY) and no connected screen in /sys/class/drm',
  };
}
