import { describe, expect, it } from 'vitest';
import { chooseAudioOutput, pipewireSocket } from '../../../src/adapters/mpv/audio-output.js';

const hdmi = 'alsa/hdmi:CARD=vc4hdmi0,DEV=0';

describe('the audio output of both mpv', () => {
  it('goes through PipeWire when asked, whatever the HDMI port', () => {
    expect(chooseAudioOutput({ setting: 'pipewire', hdmiDevice: hdmi, env: {}, exists: () => false })).toEqual({ output: 'pipewire', args: ['--ao=pipewire'] });
  });

  it('goes straight to the HDMI port with alsa, or leaves mpv its default without one', () => {
    const socketThere = () => true;
    expect(chooseAudioOutput({ setting: 'alsa', hdmiDevice: hdmi, env: { PIPEWIRE_RUNTIME_DIR: '/run/orchestrator-sound' }, exists: socketThere })).toEqual({ output: 'hdmi', args: [`--audio-device=${hdmi}`] });
    expect(chooseAudioOutput({ setting: 'alsa', hdmiDevice: undefined, env: {}, exists: socketThere })).toEqual({ output: 'default', args: [] });
  });

  it('picks PipeWire on auto only when its socket is there', () => {
    const seen: string[] = [];
    const exists = (path: string) => {
      seen.push(path);
      return path === '/run/orchestrator-sound/pipewire-0';
    };
    expect(chooseAudioOutput({ setting: 'auto', hdmiDevice: hdmi, env: { PIPEWIRE_RUNTIME_DIR: '/run/orchestrator-sound' }, exists }).output).toBe('pipewire');
    expect(chooseAudioOutput({ setting: 'auto', hdmiDevice: hdmi, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, exists }).output).toBe('hdmi');
    expect(chooseAudioOutput({ setting: 'auto', hdmiDevice: undefined, env: {}, exists }).output).toBe('default');
    expect(seen).toEqual(['/run/orchestrator-sound/pipewire-0', '/run/user/1000/pipewire-0']);
  });

  it('finds the socket as PipeWire clients do: PIPEWIRE_RUNTIME_DIR first, then XDG_RUNTIME_DIR', () => {
    expect(pipewireSocket({ PIPEWIRE_RUNTIME_DIR: '/a', XDG_RUNTIME_DIR: '/b' })).toBe('/a/pipewire-0');
    expect(pipewireSocket({ XDG_RUNTIME_DIR: '/b' })).toBe('/b/pipewire-0');
    expect(pipewireSocket({})).toBeUndefined();
  });
});
