import type { VideoStatus } from '../../contract/index.js';
import type { PlayRequest, VideoPlayer } from '../../ports/video-player.js';

/**
 * No TV attached (`VIDEO_PLAYER=none`, mpv not installed, or no display found at start).
 * Every clip ends at once with an error status saying why.
 */
export class NoDisplayPlayer implements VideoPlayer {
  readonly displayReady = false;
  readonly audioReady = undefined;
  private readonly listeners: ((status: VideoStatus) => void)[] = [];

  constructor(private readonly reason = 'no video display is configured (VIDEO_PLAYER=none)') {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  play(request: PlayRequest): void {
    this.emit({ status: 'error', tokenId: request.tokenId, error: this.reason });
    this.emit({ status: 'idle' });
  }

  pause(): void {}

  resume(): void {}

  stop(): void {}

  showRoom(): void {}

  onStatus(listener: (status: VideoStatus) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private emit(status: VideoStatus): void {
    for (const listener of this.listeners) listener(status);
  }
}
