import type { Logger } from 'pino';
import type { RoomView, VideoStatus } from '../../contract/index.js';
import type { Cancel, Clock } from '../../ports/clock.js';
import type { PlayRequest, VideoPlayer } from '../../ports/video-player.js';
import { systemClock } from '../system-clock.js';
import type { MpvEvent, MpvJsonIpc } from './json-ipc.js';
import { MpvMissingError, type MpvProcess } from './mpv-process.js';
import { CANVAS, roomAssEvents } from './room-ass.js';

export interface MpvPlayerOptions {
  process: MpvProcess;
  /** Absolute path of the idle image or loop; undefined leaves mpv's empty black window. */
  idleMedia: string | undefined;
  logger: Logger;
  /** `playing` progress is reported at most this often (time-pos changes every frame). */
  progressIntervalMs?: number;
  /** A clip counts as completed when it ended within this many seconds of its duration. */
  completionToleranceS?: number;
  /** A play requested while mpv restarts waits at most this long. */
  restartWaitMs?: number;
  /** The hotspot's Wi-Fi join code (a `WIFI:` text) and its caption, for the welcome screen. */
  idleQr?: { text: string; caption: string };
  /** `on`: the join code on every welcome screen; `setup` (default): only before a session's first scan. */
  idleQrWhen?: 'on' | 'setup';
  /** Default: the system clock. */
  clock?: Clock;
}

interface Clip {
  request: PlayRequest;
  entryId: number | undefined;
  started: boolean;
  paused: boolean;
  duration: number | undefined;
  position: number;
  lastProgressAt: number;
}

/** `current-ao` names the audio output while one is open: a clip's sound reached it. */
/** Events kept while a loadfile reply is awaited; a reply that never comes fails the clip anyway. */
const MAX_EVENTS_BEFORE_REPLY = 1000;

const OBSERVED = ['pause', 'time-pos', 'duration', 'idle-active', 'current-ao'] as const;

/**
 * mpv's `file_error` when no audio output opens (MPV_ERROR_AO_INIT_FAILED: no sound card, no
 * HDMI audio, no sound server). mpv drops the sound, plays the picture to its end, and only
 * then ends the file with reason `error` and this text; it tries again for every clip.
 */
const AUDIO_OUTPUT_FAILED = 'audio output initialization failed';

/**
 * The TV through one long-lived mpv. Events are matched to the clip they belong to by
 * `playlist_entry_id`, so a late `end-file` of a replaced clip is never taken for the new one.
 */
export class MpvPlayer implements VideoPlayer {
  private ipc: MpvJsonIpc | undefined;
  private clip: Clip | undefined;
  /** A play asked for while mpv is (re)starting. */
  private waiting: { request: PlayRequest; giveUp: Cancel } | undefined;
  private readonly clock: Clock;
  private idleEntryId: number | undefined;
  private mpvEntryId: number | undefined;
  private idleShown = false;
  /** What the room sees between clips, drawn over the idle media whenever no clip plays. */
  private room: RoomView | undefined;
  private overlayShown = false;
  /**
   * Events that arrived while the current clip's loadfile reply was still on its way: mpv
   * sends the reply and the clip's first events together, and the events are read first.
   * They are replayed, in order, once the clip knows its playlist entry.
   */
  private readonly beforeReply: MpvEvent[] = [];
  /** The idle media's loadfile reply is awaited (its events wait in beforeReply too). */
  private idleLoading = false;
  private readonly listeners: ((status: VideoStatus) => void)[] = [];
  private readonly log: Logger;
  private readonly progressIntervalMs: number;
  private readonly toleranceS: number;
  /** Whether the audio output opened, as last seen; undefined until a clip with sound told. */
  private audio: boolean | undefined;

  constructor(private readonly options: MpvPlayerOptions) {
    this.log = options.logger.child({ component: 'video' });
    this.clock = options.clock ?? systemClock;
    this.progressIntervalMs = options.progressIntervalMs ?? 500;
    this.toleranceS = options.completionToleranceS ?? 0.75;
    options.process.on('exit', () => this.crashed());
    options.process.on('ready', (ipc) => void this.attach(ipc));
  }

  get displayReady(): boolean {
    return this.ipc?.isOpen === true;
  }

  get audioReady(): boolean | undefined {
    return this.audio;
  }

  /** Starts mpv. A missing mpv is an error; any other failure is retried in the background. */
  async start(): Promise<void> {
    let ipc: MpvJsonIpc;
    try {
      ipc = await this.options.process.start();
    } catch (error) {
      if (error instanceof MpvMissingError) throw error;
      this.log.error({ err: error }, 'mpv did not start; retrying');
      this.options.process.scheduleRestart();
      return;
    }
    await this.attach(ipc);
  }

  play(request: PlayRequest): void {
    this.abandonClip();
    this.emit({ status: 'loading', tokenId: request.tokenId });
    if (!this.ipc?.isOpen) {
      this.waiting?.giveUp();
      const giveUp = this.clock.after(this.options.restartWaitMs ?? 10_000, () => {
        this.waiting = undefined;
        this.emit({ status: 'error', tokenId: request.tokenId, error: 'the video player did not come back in time' });
      });
      this.waiting = { request, giveUp };
      return;
    }
    this.load(this.ipc, request);
  }

  pause(): void {
    if (this.clip?.started) void this.send(['set_property', 'pause', true]);
  }

  resume(): void {
    if (this.clip?.started) void this.send(['set_property', 'pause', false]);
  }

  stop(): void {
    const hadClip = this.clip !== undefined;
    this.abandonClip();
    // Already on the idle screen (a reset with no clip playing): reloading it would only race
    // the room view's overlay sent meanwhile.
    if (hadClip || !this.idleShown) this.showIdle();
  }

  showRoom(view: RoomView): void {
    this.room = view;
    if (this.idleShown) this.showOverlay();
  }

  onStatus(listener: (status: VideoStatus) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.waiting?.giveUp();
    this.waiting = undefined;
    await this.options.process.stop();
  }

  /**
   * Takes a freshly started mpv into use. Until its properties are observed it is not used
   * and its events are ignored, so a play asked for meanwhile waits instead of racing the
   * idle screen.
   */
  private async attach(ipc: MpvJsonIpc): Promise<void> {
    ipc.on('event', (event) => {
      if (this.ipc === ipc) this.onEvent(event);
    });
    await Promise.all(OBSERVED.map((name, index) => ipc.command(['observe_property', index + 1, name])));
    this.ipc = ipc;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      waiting.giveUp();
      this.load(ipc, waiting.request);
    } else this.showIdle();
  }

  /**
   * The room view, drawn by mpv's own OSD (ASS markup) over the idle media: the one program on
   * the display draws it, so nothing can cover the clips or hide behind them.
   */
  private showOverlay(): void {
    const view = this.room;
    if (!view) {
      this.hideOverlay();
      return;
    }
    const { idleQr, idleQrWhen = 'setup' } = this.options;
    const qr = view.screen === 'welcome' && (idleQrWhen === 'on' || view.setup) ? idleQr : undefined;
    const events = roomAssEvents(view, { qr, drawHeadline: this.options.idleMedia === undefined });
    this.overlayShown = true;
    void this.send({ name: 'osd-overlay', id: 1, format: 'ass-events', data: events.join('\n'), res_x: CANVAS.width, res_y: CANVAS.height, z: 0 });
  }

  private hideOverlay(): void {
    if (!this.overlayShown) return;
    this.overlayShown = false;
    void this.send({ name: 'osd-overlay', id: 1, format: 'none', data: '' });
  }

  private load(ipc: MpvJsonIpc, request: PlayRequest): void {
    this.hideOverlay();
    const clip: Clip = { request, entryId: undefined, started: false, paused: false, duration: undefined, position: 0, lastProgressAt: 0 };
    this.clip = clip;
    this.idleShown = false;
    // Named arguments: the positional form of loadfile changed in mpv 0.38. Pause carries
    // across files, so every clip starts with pause explicitly off.
    ipc
      .command({ name: 'loadfile', url: request.file, flags: 'replace', options: { pause: 'no', 'loop-file': 'no' } })
      .then((data) => {
        clip.entryId = entryIdOf(data);
        if (this.clip !== clip) return;
        for (const event of this.beforeReply.splice(0)) this.onEvent(event);
      })
      .catch((error: unknown) => {
        if (this.clip === clip) this.finish(clip, this.clipError(clip, `could not start the clip: ${String(error)}`));
      });
  }

  private showIdle(): void {
    const ipc = this.ipc;
    if (!ipc?.isOpen || this.clip) return;
    const idle = this.options.idleMedia;
    if (idle === undefined) {
      this.idleEntryId = undefined;
      void this.send(['stop']).then(() => this.idleReached());
      return;
    }
    this.idleLoading = true;
    ipc
      .command({ name: 'loadfile', url: idle, flags: 'replace', options: { pause: 'no', 'loop-file': 'inf', 'image-display-duration': 'inf' } })
      .then((data) => {
        this.idleEntryId = entryIdOf(data);
      })
      .finally(() => {
        this.idleLoading = false;
        for (const event of this.beforeReply.splice(0)) this.onEvent(event);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not show the idle screen'));
  }

  private onEvent(event: MpvEvent): void {
    if ((this.clip && this.clip.entryId === undefined) || this.idleLoading) {
      if (this.beforeReply.length < MAX_EVENTS_BEFORE_REPLY) this.beforeReply.push(event);
      return;
    }
    switch (event.event) {
      case 'start-file':
        this.mpvEntryId = typeof event.playlist_entry_id === 'number' ? event.playlist_entry_id : undefined;
        return;
      case 'playback-restart':
        this.playbackStarted();
        return;
      case 'end-file':
        this.fileEnded(event);
        return;
      case 'property-change':
        this.propertyChanged(String(event.name), event.data);
        return;
      default:
        return;
    }
  }

  private playbackStarted(): void {
    const clip = this.clip;
    if (clip && clip.entryId !== undefined && this.mpvEntryId === clip.entryId && !clip.started) {
      clip.started = true;
      clip.lastProgressAt = this.clock.now();
      this.emit(this.playingStatus(clip));
      return;
    }
    if (!clip && this.idleEntryId !== undefined && this.mpvEntryId === this.idleEntryId) this.idleReached();
  }

  private fileEnded(event: MpvEvent): void {
    const entryId = typeof event.playlist_entry_id === 'number' ? event.playlist_entry_id : undefined;
    const mpvError = typeof event.file_error === 'string' ? event.file_error : undefined;
    const audioFailed = event.reason === 'error' && mpvError === AUDIO_OUTPUT_FAILED;
    if (audioFailed) this.audioOutput(false, { file: this.clip?.request.file });
    const clip = this.clip;
    if (entryId !== undefined && entryId === this.idleEntryId && event.reason === 'error') {
      this.log.warn({ file: this.options.idleMedia, error: event.file_error }, 'the idle screen could not be shown');
      this.idleEntryId = undefined;
      void this.send(['stop']).then(() => this.idleReached());
      return;
    }
    if (!clip || entryId !== clip.entryId) return;
    const { tokenId } = clip.request;
    const mpvReason = { mpvReason: event.reason, mpvError };
    // Without sound the picture still played: judged by where it got to, like an end of file.
    if (event.reason === 'eof' || audioFailed) {
      const reachedEnd = clip.started && clip.duration !== undefined && clip.position >= clip.duration - this.toleranceS;
      this.finish(
        clip,
        reachedEnd
          ? { status: 'completed', tokenId, progress: 100, ...(clip.duration === undefined ? {} : { duration: clip.duration }) }
          : this.clipError(clip, `${basename(clip.request.file)} ended early: the file looks damaged or incomplete`, mpvReason),
      );
    } else if (event.reason === 'error') {
      this.finish(clip, this.clipError(clip, `could not play ${basename(clip.request.file)}: ${mpvError ?? 'unknown error'}`, mpvReason));
    }
    // 'stop' and 'redirect' are our own replacements; 'quit' is handled as a crash.
  }

  /** An mpv error that ends a clip, logged with the clip; stations get the message. */
  private clipError(clip: Clip, error: string, mpv: { mpvReason?: unknown; mpvError?: string | undefined } = {}): VideoStatus {
    const { tokenId, file } = clip.request;
    this.log.warn({ tokenId, file, reason: error, ...mpv, position: clip.position, duration: clip.duration }, 'a clip ended with an error');
    return { status: 'error', tokenId, error };
  }

  /**
   * The audio output opened (`current-ao` named one) or failed. Logged on a change only: mpv
   * retries it for every clip, and a show without sound should say so once, not per clip.
   */
  private audioOutput(ready: boolean, detail: { file?: string | undefined; output?: string }): void {
    if (this.audio === ready) return;
    const before = this.audio;
    this.audio = ready;
    if (!ready) this.log.warn({ ...detail, mpvError: AUDIO_OUTPUT_FAILED }, 'no sound: mpv could not open the audio output; clips play their picture without it');
    else if (before === false) this.log.info(detail, 'sound is back: mpv opened the audio output');
  }

  private propertyChanged(name: string, data: unknown): void {
    if (name === 'current-ao') {
      if (typeof data === 'string' && data !== '') this.audioOutput(true, { output: data });
      return;
    }
    if (name === 'idle-active') {
      if (data === true && !this.clip && this.idleEntryId === undefined) this.idleReached();
      return;
    }
    const clip = this.clip;
    if (!clip || clip.entryId === undefined || this.mpvEntryId !== clip.entryId) return;
    if (name === 'duration' && typeof data === 'number') clip.duration = data;
    else if (name === 'time-pos' && typeof data === 'number') {
      clip.position = data;
      const now = this.clock.now();
      if (clip.started && !clip.paused && now - clip.lastProgressAt >= this.progressIntervalMs) {
        clip.lastProgressAt = now;
        this.emit(this.playingStatus(clip));
      }
    } else if (name === 'pause' && typeof data === 'boolean' && clip.started && data !== clip.paused) {
      clip.paused = data;
      this.emit(data ? { ...this.playingStatus(clip), status: 'paused' } : this.playingStatus(clip));
    }
  }

  private playingStatus(clip: Clip): VideoStatus {
    const progress = clip.duration ? Math.min(100, Math.max(0, (clip.position / clip.duration) * 100)) : 0;
    return {
      status: 'playing',
      tokenId: clip.request.tokenId,
      progress: Math.round(progress * 10) / 10,
      ...(clip.duration === undefined ? {} : { duration: clip.duration }),
    };
  }

  /** Reports the clip's end, then returns to idle unless a listener already asked for another clip. */
  private finish(clip: Clip, status: VideoStatus): void {
    if (this.clip !== clip) return;
    this.clip = undefined;
    this.beforeReply.length = 0;
    this.emit(status);
    if (this.clip === undefined && this.waiting === undefined) this.showIdle();
  }

  private abandonClip(): void {
    this.clip = undefined;
    this.beforeReply.length = 0;
  }

  /**
   * The idle media is on screen (again). The room view is drawn once more even when it was
   * already: an overlay sent while the media (re)loaded was not always rendered, and the TV kept
   * showing the last game's board after a reset (seen on the emulated Pi's DRM output).
   */
  private idleReached(): void {
    if (this.clip) return;
    const first = !this.idleShown;
    this.idleShown = true;
    this.showOverlay();
    if (first) this.emit({ status: 'idle' });
  }

  private crashed(): void {
    this.ipc = undefined;
    this.overlayShown = false;
    this.idleEntryId = undefined;
    this.idleShown = false;
    const clip = this.clip;
    this.clip = undefined;
    if (clip) this.emit(this.clipError(clip, 'the video player stopped unexpectedly and is restarting'));
  }

  private async send(command: unknown[] | Record<string, unknown>): Promise<void> {
    try {
      await this.ipc?.command(command);
    } catch (error) {
      this.log.warn({ err: error, command: Array.isArray(command) ? command[0] : command.name }, 'mpv command failed');
    }
  }

  private emit(status: VideoStatus): void {
    for (const listener of this.listeners) listener(status);
  }
}

function entryIdOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { playlist_entry_id?: unknown }).playlist_entry_id;
  return typeof id === 'number' ? id : undefined;
}

/** Text as literal ASS: braces and backslashes would otherwise be read as markup. */
/** The QR code with its caption under it, as OSD events. */
function basename(file: string): string {
  return file.split('/').pop() ?? file;
}
