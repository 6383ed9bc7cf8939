import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type AudioOutputSetting = 'auto' | 'pipewire' | 'alsa';

export interface AudioOutput {
  /** `pipewire`: through the sound server; `hdmi`: straight to the TV's HDMI port; `default`: mpv's own choice. */
  output: 'pipewire' | 'hdmi' | 'default';
  /** mpv arguments, the same for the clips' mpv and the sound effects' mpv. */
  args: string[];
}

/** The PipeWire socket a client in this environment connects to, where one is named. */
export function pipewireSocket(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.PIPEWIRE_RUNTIME_DIR ?? env.XDG_RUNTIME_DIR;
  return dir === undefined || dir === '' ? undefined : join(dir, 'pipewire-0');
}

/**
 * Where both mpv send their sound. Through PipeWire the two are mixed, so a sound effect plays
 * over a clip's sound; straight to the Pi's HDMI port (ALSA, IEC958 frames that dmix cannot
 * mix) one takes the port and the other gets "device busy".
 */
export function chooseAudioOutput(options: {
  setting: AudioOutputSetting;
  /** The TV's HDMI port as an mpv audio device (`alsa/hdmi:CARD=vc4hdmi0,DEV=0`) on a Pi. */
  hdmiDevice: string | undefined;
  env: NodeJS.ProcessEnv;
  exists?: (path: string) => boolean;
}): AudioOutput {
  const exists = options.exists ?? existsSync;
  const socket = pipewireSocket(options.env);
  const pipewire = options.setting === 'pipewire' || (options.setting === 'auto' && socket !== undefined && exists(socket));
  if (pipewire) return { output: 'pipewire', args: ['--ao=pipewire'] };
  if (options.hdmiDevice !== undefined) return { output: 'hdmi', args: [`--audio-device=${options.hdmiDevice}`] };
  return { output: 'default', args: [] };
}
