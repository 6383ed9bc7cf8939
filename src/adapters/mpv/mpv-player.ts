import type { Logger } from 'pino';
import type { VideoStatus } from '../../contract/index.js';
import type { Cancel, Clock } from '../../ports/clock.js';
import type { PlayRequest, VideoPlayer } from '../../ports/video-player.js';
import { systemClock } from '../system-clock.js';
import type { MpvEvent, MpvJsonIpc } from './json-ipc.js';
import { MpvMissingError, type MpvProcess } from './mpv-process.js';
import { qrAssDrawing } from './osd-qr.js';

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
  /** A QR code shown on the idle screen (the hotspot's `WIFI:` text) and the caption under it. */
  idleQr?: { text: string; caption: string };
  /** Default: the system clock. */
  clock?: Clock;
}

/** Where the idle screen's QR code goes on the 720-line OSD canvas: the top-left corner. */
const QR_PLACEMENT = { x: 40, y: 40, maxSide: 320 };

interface Clip {
  request: PlayRequest;
  entryId: number | undefined;
  started: boolean;
  paused: boolean;
  duration: number | undefined;
  position: number;
  lastProgressAt: number;
}

const OBSERVED = ['pause', 'time-pos', 'duration', 'idle-active'] as const;

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
  private idleText: string | undefined;
  private overlayShown = false;
  private readonly earlyEnds = new Map<number, MpvEvent>();
  private readonly listeners: ((status: VideoStatus) => void)[] = [];
  private readonly log: Logger;
  private readonly progressIntervalMs: number;
  /** The idle screen's QR code and caption: the same for the whole run, drawn once. */
  private readonly qrEvents: string[];
  private readonly toleranceS: number;

  constructor(private readonly options: MpvPlayerOptions) {
    this.log = options.logger.child({ component: 'video' });
    this.clock = options.clock ?? systemClock;
    this.progressIntervalMs = options.progressIntervalMs ?? 500;
    this.toleranceS = options.completionToleranceS ?? 0.75;
    this.qrEvents = options.idleQr ? idleQrEvents(options.idleQr) : [];
    options.process.on('exit', () => this.crashed());
    options.process.on('ready', (ipc) => void this.attach(ipc));
  }

  get displayReady(): boolean {
    return this.ipc?.isOpen === true;
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
    this.abandonClip();
    this.showIdle();
  }

  setIdleText(text: string | undefined): void {
    this.idleText = text;
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

  /** The idle text and QR code, drawn by mpv's own OSD (ASS markup): no image files needed. */
  private showOverlay(): void {
    const events: string[] = [];
    if (this.idleText !== undefined && this.idleText !== '') events.push(`{\\an2\\fs30\\bord2}${assEscape(this.idleText)}`);
    events.push(...this.qrEvents);
    if (events.length === 0) {
      this.hideOverlay();
      return;
    }
    this.overlayShown = true;
    void this.send({ name: 'osd-overlay', id: 1, format: 'ass-events', data: events.join('\n'), res_x: 0, res_y: 720, z: 0 });
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
        const early = clip.entryId === undefined ? undefined : this.earlyEnds.get(clip.entryId);
        this.earlyEnds.clear();
        if (early) this.onEvent(early);
      })
      .catch((error: unknown) => {
        if (this.clip === clip) this.finish(clip, { status: 'error', tokenId: request.tokenId, error: `could not start the clip: ${String(error)}` });
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
    ipc
      .command({ name: 'loadfile', url: idle, flags: 'replace', options: { pause: 'no', 'loop-file': 'inf', 'image-display-duration': 'inf' } })
      .then((data) => {
        this.idleEntryId = entryIdOf(data);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not show the idle screen'));
  }

  private onEvent(event: MpvEvent): void {
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
    const clip = this.clip;
    if (clip && clip.entryId === undefined && entryId !== undefined) {
      this.earlyEnds.set(entryId, event); // the loadfile reply is still on its way
      return;
    }
    if (entryId !== undefined && entryId === this.idleEntryId && event.reason === 'error') {
      this.log.warn({ file: this.options.idleMedia, error: event.file_error }, 'the idle screen could not be shown');
      this.idleEntryId = undefined;
      void this.send(['stop']).then(() => this.idleReached());
      return;
    }
    if (!clip || entryId !== clip.entryId) return;
    const { tokenId } = clip.request;
    if (event.reason === 'error') {
      const reason = typeof event.file_error === 'string' ? event.file_error : 'unknown error';
      this.finish(clip, { status: 'error', tokenId, error: `could not play ${basename(clip.request.file)}: ${reason}` });
    } else if (event.reason === 'eof') {
      const reachedEnd = clip.started && clip.duration !== undefined && clip.position >= clip.duration - this.toleranceS;
      this.finish(
        clip,
        reachedEnd
          ? { status: 'completed', tokenId, progress: 100, ...(clip.duration === undefined ? {} : { duration: clip.duration }) }
          : { status: 'error', tokenId, error: `${basename(clip.request.file)} ended early: the file looks damaged or incomplete` },
      );
    }
    // 'stop' and 'redirect' are our own replacements; 'quit' is handled as a crash.
  }

  private propertyChanged(name: string, data: unknown): void {
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
    this.emit(status);
    if (this.clip === undefined && this.waiting === undefined) this.showIdle();
  }

  private abandonClip(): void {
    this.clip = undefined;
    this.earlyEnds.clear();
  }

  private idleReached(): void {
    if (this.clip || this.idleShown) return;
    this.idleShown = true;
    this.showOverlay();
    this.emit({ status: 'idle' });
  }

  private crashed(): void {
    this.ipc = undefined;
    this.overlayShown = false;
    this.idleEntryId = undefined;
    this.idleShown = false;
    const clip = this.clip;
    this.clip = undefined;
    if (clip) this.emit({ status: 'error', tokenId: clip.request.tokenId, error: 'the video player stopped unexpectedly and is restarting' });
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
function idleQrEvents(qr: { text: string; caption: string }): string[] {
  const drawing = qrAssDrawing(qr.text, QR_PLACEMENT);
  const below = QR_PLACEMENT.y + drawing.side + 10;
  return [...drawing.events, `{\\an7\\pos(${QR_PLACEMENT.x},${below})\\fs26\\bord2}${assEscape(qr.caption)}`];
}

export function assEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/[{}]/g, (brace) => `\\${brace}`).replace(/\r?\n/g, '\\N');
}

function basename(file: string): string {
  return file.split('/').pop() ?? file;
}
