import type { RoomView, VideoStatus } from '../../src/contract/index.js';
import type { PlayRequest, VideoPlayer } from '../../src/ports/video-player.js';

export interface FakeVideoPlayerOptions {
  /**
   * Emit `loading` synchronously from `play()`, as the mpv adapter does. On by default so
   * that listeners see the same re-entrant order as in production.
   */
  emitLoadingOnPlay?: boolean;
  displayReady?: boolean;
  audioReady?: boolean;
}

/**
 * A VideoPlayer that records what it is asked to do and emits only what a test tells it to.
 * Used for the logic above the port (the queue, the show); the mpv adapter has its own tests.
 */
export class FakeVideoPlayer implements VideoPlayer {
  displayReady: boolean;
  audioReady: boolean | undefined;
  readonly plays: PlayRequest[] = [];
  pauses = 0;
  resumes = 0;
  stops = 0;
  starts = 0;
  closes = 0;
  /** Every room view drawn, in order. */
  readonly roomViews: RoomView[] = [];
  /** Every status emitted, in order, whoever emitted it. */
  readonly emitted: VideoStatus[] = [];
  private readonly listeners: ((status: VideoStatus) => void)[] = [];
  private readonly emitLoadingOnPlay: boolean;

  constructor(options: FakeVideoPlayerOptions = {}) {
    this.displayReady = options.displayReady ?? true;
    this.audioReady = options.audioReady;
    this.emitLoadingOnPlay = options.emitLoadingOnPlay ?? true;
  }

  /** The clip asked for last, if any. */
  get lastPlay(): PlayRequest | undefined {
    return this.plays.at(-1);
  }

  start(): Promise<void> {
    this.starts += 1;
    return Promise.resolve();
  }

  play(request: PlayRequest): void {
    this.plays.push(request);
    if (this.emitLoadingOnPlay) this.emit({ status: 'loading', tokenId: request.tokenId });
  }

  pause(): void {
    this.pauses += 1;
  }

  resume(): void {
    this.resumes += 1;
  }

  stop(): void {
    this.stops += 1;
  }

  showRoom(view: RoomView): void {
    this.roomViews.push(view);
  }

  onStatus(listener: (status: VideoStatus) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    this.closes += 1;
    return Promise.resolve();
  }

  /** Reports a status to every listener, synchronously, as the real player does. */
  emit(status: VideoStatus): void {
    this.emitted.push(status);
    for (const listener of [...this.listeners]) listener(status);
  }
}
