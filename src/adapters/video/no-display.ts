import type { VideoStatus } from '../../contract/index.js';
import type { PlayRequest, VideoPlayer } from '../../ports/video-player.js';

/** `VIDEO_PLAYER=none`: no TV attached. Every clip ends at once with an error status. */
export class NoDisplayPlayer implements VideoPlayer {
  readonly displayReady = false;
  private readonly listeners: ((status: VideoStatus) => void)[] = [];

  start(): Promise<void> {
    return Promise.resolve();
  }

  play(request: PlayRequest): void {
    this.emit({ status: 'error', tokenId: request.tokenId, error: 'no video display is configured (VIDEO_PLAYER=none)' });
    this.emit({ status: 'idle' });
  }

  pause(): void {}

  resume(): void {}

  stop(): void {}

  setIdleText(): void {}

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
