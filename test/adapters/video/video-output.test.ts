import { describe, expect, it } from 'vitest';
import { chooseVideoOutput } from '../../../src/adapters/video/video-output.js';
import { fakeHostPerTest } from '../../support/fake-host.js';

const host = fakeHostPerTest('video-output-');

describe('chooseVideoOutput', () => {
  it('finds no display on a machine that is not a Pi, without a desktop or a connected screen', () => {
    host.write('sys/class/drm/card0-HDMI-A-1/status', 'disconnected\n');
    host.write('sys/class/drm/version', 'drm 1.1.0\n');
    const chosen = chooseVideoOutput({ setting: 'auto', board: 'not-a-pi', desktop: false, hostRoot: host.root });
    expect(chosen).toEqual({ output: 'none', reason: expect.stringContaining('no desktop session') as string });
  });

  it('finds no display where there is no /sys/class/drm at all', () => {
    expect(chooseVideoOutput({ setting: 'auto', board: 'not-a-pi', desktop: false, hostRoot: host.root }).output).toBe('none');
  });

  it('leaves the output to mpv on a console with a connected screen (it finds KMS itself)', () => {
    host.write('sys/class/drm/card1-DP-1/status', 'connected\n');
    expect(chooseVideoOutput({ setting: 'auto', board: 'not-a-pi', desktop: false, hostRoot: host.root })).toEqual({ output: 'window' });
  });

  it('opens a window on a desktop, and uses DRM on a Pi without one, its TV plugged in or not', () => {
    expect(chooseVideoOutput({ setting: 'auto', board: 'not-a-pi', desktop: true, hostRoot: host.root })).toEqual({ output: 'window' });
    expect(chooseVideoOutput({ setting: 'auto', board: 'pi4', desktop: true, hostRoot: host.root })).toEqual({ output: 'window' });
    expect(chooseVideoOutput({ setting: 'auto', board: 'pi5', desktop: false, hostRoot: host.root })).toEqual({ output: 'drm' });
  });

  it('does what VIDEO_OUTPUT forces, display or not', () => {
    expect(chooseVideoOutput({ setting: 'window', board: 'not-a-pi', desktop: false, hostRoot: host.root })).toEqual({ output: 'window' });
    expect(chooseVideoOutput({ setting: 'drm', board: 'not-a-pi', desktop: true, hostRoot: host.root })).toEqual({ output: 'drm' });
  });
});
