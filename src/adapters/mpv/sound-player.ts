import { existsSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { AppError, isAppError, type SoundStatus } from '../../contract/index.js';
import type { MediaLibrary } from '../../ports/media-library.js';
import type { Clock } from '../../ports/clock.js';
import type { SoundCheck, SoundPlayer } from '../../ports/sound-player.js';
import { systemClock } from '../system-clock.js';
import type { MpvEvent, MpvJsonIpc } from './json-ipc.js';
import { MpvMissingError, type MpvProcess } from './mpv-process.js';

export interface MpvSoundPlayerOptions {
  /** An MpvProcess started with `soundArgs` as its base arguments and its own socket and pid file. */
  process: MpvProcess;
  media: MediaLibrary;
  logger: Logger;
  /** Bounds the silent test; default the system clock. */
  clock?: Clock;
}

/** The silent test: a quarter second of silence from libavfilter, no file needed. */
const SILENT_TEST = 'av://lavfi:anullsrc=d=0.25';
/** Far beyond a quarter second, even on a busy Pi. */
const TEST_TIMEOUT_MS = 5000;

/**
 * Arguments that make mpv an always-running, windowless sound-effects player driven only
 * over IPC: no video, no window, no terminal, nothing of the user's configuration.
 */
export function soundArgs(socketPath: string): string[] {
  return [
    '--no-config',
    '--idle=yes',
    '--no-video',
    '--force-window=no',
    '--no-terminal',
    '--keep-open=no',
    '--loop-file=no',
    '--no-input-default-bindings',
    `--input-ipc-server=${socketPath}`,
  ];
}

/** mpv's `file_error` when the audio output cannot open (no sound card, device busy). */
const AUDIO_OUTPUT_FAILED = 'audio output initialization failed';

/**
 * Sound effects through a second long-lived mpv, audio only. One sound at a time: a new sound
 * replaces the one playing (`loadfile replace`); one mpv cannot mix several files. The sounds
 * mix with the clips' own audio outside mpv, where both players' audio outputs meet (a sound
 * server, or ALSA's mixing where the device allows it).
 */
export class MpvSoundPlayer implements SoundPlayer {
  private ipc: MpvJsonIpc | undefined;
  private current: SoundStatus = { ready: false, playing: 0 };
  /** The sound mpv plays (or was last told to), by its playlist entry, for error messages. */
  private readonly names = new Map<number, string>();
  private readonly listeners: ((status: SoundStatus) => void)[] = [];
  private readonly log: Logger;
  private missing = false;
  private testing: Promise<SoundCheck> | undefined;
  /** While the silent test (one at a time) waits for its own `end-file`: every `end-file`. */
  private onTestEnd: ((event: MpvEvent) => void) | undefined;

  constructor(private readonly options: MpvSoundPlayerOptions) {
    this.log = options.logger.child({ component: 'sound' });
    options.process.on('exit', () => this.crashed());
    options.process.on('ready', (ipc) => void this.attach(ipc));
  }

  get status(): SoundStatus {
    return this.current;
  }

  /**
   * Starts mpv. Sound is not worth stopping the show for: a missing mpv leaves the player
   * not ready (saying why), and any other failure is retried in the background.
   */
  async start(): Promise<void> {
    let ipc: MpvJsonIpc;
    try {
      ipc = await this.options.process.start();
    } catch (error) {
      if (error instanceof MpvMissingError) {
        this.missing = true;
        this.log.error(`${error.message}. Running without sound effects.`);
        this.update({ ready: false, playing: 0, lastError: 'mpv is not installed: no sound effects' });
        return;
      }
      this.log.error({ err: error }, 'the sound player did not start; retrying');
      this.update({ ready: false, playing: 0, lastError: `the sound player did not start: ${error instanceof Error ? error.message : String(error)}` });
      this.options.process.scheduleRestart();
      return;
    }
    await this.attach(ipc);
  }

  async play(file: string, volume = 100): Promise<void> {
    if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0 || volume > 100) {
      throw new AppError('INVALID_DATA', `sound volume must be a number from 0 to 100, not ${String(volume)}`, {
        details: [{ field: 'volume', message: 'must be 0-100' }],
      });
    }
    const path = this.resolve(file);
    const ipc = this.ipc;
    if (!ipc?.isOpen) {
      throw new AppError('SERVER_ERROR', this.missing ? 'no sound player: mpv is not installed' : 'the sound player is not running (it is restarting)');
    }
    // Named arguments: the positional form of loadfile changed in mpv 0.38.
    const data = await ipc.command({ name: 'loadfile', url: path, flags: 'replace', options: { volume: String(volume), pause: 'no' } }).catch((error: unknown) => {
      throw new AppError('SERVER_ERROR', `the sound player refused ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const entryId = entryIdOf(data);
    this.names.clear();
    if (entryId !== undefined) this.names.set(entryId, file);
    this.log.info({ file, volume }, 'sound');
  }

  testOutput(): Promise<SoundCheck> {
    if (this.missing) return Promise.resolve({ outcome: 'failed', error: 'mpv is not installed' });
    const ipc = this.ipc;
    if (!ipc?.isOpen) return Promise.resolve({ outcome: 'failed', error: this.current.lastError ?? 'the sound player is not running' });
    if (this.current.playing > 0 && this.testing === undefined) return Promise.resolve({ outcome: 'busy' });
    this.testing ??= this.runTest(ipc).finally(() => {
      this.testing = undefined;
    });
    return this.testing;
  }

  stopAll(): void {
    this.ipc?.command(['stop']).catch((error: unknown) => this.log.warn({ err: error }, 'could not stop the sounds'));
  }

  async close(): Promise<void> {
    await this.options.process.stop();
    this.ipc = undefined;
    this.update({ ...this.current, ready: false, playing: 0 });
  }

  onStatus(listener: (status: SoundStatus) => void): void {
    this.listeners.push(listener);
  }

  /** Plays the silent test and waits, bounded, for its `end-file`: `eof` means the audio output took it. */
  private async runTest(ipc: MpvJsonIpc): Promise<SoundCheck> {
    const ended: MpvEvent[] = [];
    let wake = () => {};
    this.onTestEnd = (event) => {
      ended.push(event);
      wake();
    };
    const clock = this.options.clock ?? systemClock;
    let timedOut = false;
    const cancel = clock.after(TEST_TIMEOUT_MS, () => {
      timedOut = true;
      wake();
    });
    try {
      const entryId = entryIdOf(await ipc.command({ name: 'loadfile', url: SILENT_TEST, flags: 'replace', options: { volume: '0', pause: 'no' } }));
      if (entryId === undefined) return { outcome: 'failed', error: 'the sound player did not take the test sound' };
      this.names.clear();
      this.names.set(entryId, 'the silent test sound');
      // mpv may send the file's events before the command's reply: those seen so far count too.
      for (;;) {
        const own = ended.find((event) => event.playlist_entry_id === entryId);
        if (own) return own.reason === 'eof' ? { outcome: 'played' } : { outcome: 'failed', error: endError(own) };
        if (timedOut) return { outcome: 'failed', error: `the test sound did not finish within ${TEST_TIMEOUT_MS / 1000} s` };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (error) {
      return { outcome: 'failed', error: `the sound player refused the test sound: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      cancel();
      this.onTestEnd = undefined;
    }
  }

  /** The file inside the media folder, or a refusal naming the sound. */
  private resolve(file: string): string {
    let path: string;
    try {
      path = this.options.media.resolve(file);
    } catch (error) {
      if (!isAppError(error)) throw error;
      throw new AppError('INVALID_DATA', `sound ${JSON.stringify(file)} is not a file inside the media folder`, {
        details: [{ field: 'sound', message: 'must stay inside MEDIA_DIR' }],
      });
    }
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new AppError('NOT_FOUND', `sound ${JSON.stringify(file)} was not found in the media folder`, {
        details: [{ field: 'sound', message: 'no such file in MEDIA_DIR' }],
      });
    }
    return path;
  }

  /** Takes a freshly started mpv into use once its `idle-active` is observed. */
  private async attach(ipc: MpvJsonIpc): Promise<void> {
    ipc.on('event', (event) => {
      if (this.ipc === ipc) this.onEvent(event);
    });
    this.ipc = ipc;
    try {
      await ipc.command(['observe_property', 1, 'idle-active']);
    } catch (error) {
      this.log.warn({ err: error }, 'the sound player did not answer');
      return;
    }
    if (this.ipc !== ipc) return;
    this.log.info('sound player ready');
    this.update({ ...this.current, ready: true });
  }

  private onEvent(event: MpvEvent): void {
    if (event.event === 'property-change' && event.name === 'idle-active' && typeof event.data === 'boolean') {
      const playing = event.data ? 0 : 1;
      if (playing !== this.current.playing) this.update({ ...this.current, playing });
      return;
    }
    if (event.event === 'end-file') this.onTestEnd?.(event);
    if (event.event === 'end-file' && event.reason === 'error') {
      const entryId = typeof event.playlist_entry_id === 'number' ? event.playlist_entry_id : undefined;
      const file = (entryId === undefined ? undefined : this.names.get(entryId)) ?? 'a sound';
      const reason = endError(event);
      const lastError = event.file_error === AUDIO_OUTPUT_FAILED ? `${file}: ${reason}` : `could not play ${file}: ${reason}`;
      this.log.warn({ file, mpvError: event.file_error }, 'a sound failed');
      this.update({ ...this.current, lastError });
    }
  }

  private crashed(): void {
    this.ipc = undefined;
    this.names.clear();
    this.update({ ready: false, playing: 0, lastError: 'the sound player stopped unexpectedly and is restarting' });
  }

  private update(status: SoundStatus): void {
    this.current = status;
    for (const listener of this.listeners) listener(status);
  }
}

/** Why a sound ended early, in plain words. */
function endError(event: MpvEvent): string {
  const mpvError = typeof event.file_error === 'string' ? event.file_error : event.reason === 'error' ? 'unknown error' : `it ended (${String(event.reason)})`;
  return mpvError === AUDIO_OUTPUT_FAILED ? 'the audio output could not open (no sound device, or it is busy)' : mpvError;
}

function entryIdOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { playlist_entry_id?: unknown }).playlist_entry_id;
  return typeof id === 'number' ? id : undefined;
}
