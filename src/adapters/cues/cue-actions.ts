import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { encode, Message } from 'node-osc';
import type { CueAction, DisplayMode, VideoControl } from '../../contract/index.js';
import type { ActionRunner } from '../../ports/cue-actions.js';
import type { SoundPlayer } from '../../ports/sound-player.js';

/** How long an HTTP target or an OSC host's name lookup may take. */
export const CUE_TARGET_TIMEOUT_MS = 2000;
/** How long a cue's message shows when it does not say. */
export const DEFAULT_MESSAGE_SECONDS = 10;

export interface CueActionDeps {
  /** Queues a clip like an admin's play. */
  video: { controlVideo(command: VideoControl): unknown };
  room: { setMode(mode: DisplayMode): unknown; showMessage(text: string, seconds: number): void };
  sound?: Pick<SoundPlayer, 'play'>;
}

type RunnableAction = Parameters<ActionRunner['run']>[0];

/**
 * The cue actions against the appliance (sound, clip, display mode) and the show-control rigs
 * beside it (OSC over UDP, HTTP). Targets were checked when the cues file was loaded.
 */
export class CueActions implements ActionRunner {
  constructor(private readonly deps: CueActionDeps) {}

  async run(action: RunnableAction): Promise<void> {
    if ('sound' in action) {
      if (!this.deps.sound) throw new Error('no sound player');
      await this.deps.sound.play(action.sound, action.volume);
    } else if ('video' in action) {
      this.deps.video.controlVideo({ action: 'play', tokenId: action.video });
    } else if ('display' in action) {
      this.deps.room.setMode(action.display);
    } else if ('message' in action) {
      this.deps.room.showMessage(action.message, action.seconds ?? DEFAULT_MESSAGE_SECONDS);
    } else if ('osc' in action) {
      await sendOsc(action.osc);
    } else {
      await sendHttp(action.http);
    }
  }
}

async function sendOsc({ host, port, address, args = [] }: Extract<CueAction, { osc: unknown }>['osc']): Promise<void> {
  const packet = encode(new Message(address, ...args));
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((sent, failed) => {
      const timer = setTimeout(() => failed(new Error(`OSC to ${host}:${port}: no answer from the name lookup within ${CUE_TARGET_TIMEOUT_MS} ms`)), CUE_TARGET_TIMEOUT_MS);
      socket.once('error', (error) => {
        clearTimeout(timer);
        failed(error);
      });
      socket.send(packet, port, host, (error) => {
        clearTimeout(timer);
        if (error) failed(new Error(`OSC to ${host}:${port}: ${error.message}`));
        else sent();
      });
    });
  } finally {
    socket.close();
  }
}

async function sendHttp({ method, url, body, headers = {} }: Extract<CueAction, { http: unknown }>['http']): Promise<void> {
  const json = body !== undefined && typeof body !== 'string';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: json ? { 'content-type': 'application/json', ...headers } : headers,
      ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : body }),
      // A redirect could lead to a host the cues file was not allowed to name.
      redirect: 'error',
      signal: AbortSignal.timeout(CUE_TARGET_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${CUE_TARGET_TIMEOUT_MS} ms` : (cause ?? (error as Error).message);
    throw new Error(`${method} ${url}: ${why}`, { cause: error });
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status}`);
}
