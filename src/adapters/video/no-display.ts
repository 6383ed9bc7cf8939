import type { VideoStatus } from '../../contract/index.js';
import type { PlayRequest, VideoPlayer } from '../../ports/video-player.js';

/** `VIDEO_PLAYER=none`: no TV attached. Requests are answered with an error status. */
export class NoDisplayPlayer implements VideoPlayer {
  readonly displayReady = false;
  private readonly listeners: ((status: VideoStatus) => void)[] = [];

  play(request: PlayRequest): void {
    for (const listener of this.listeners) {
      listener({ status: 'error', tokenId: request.tokenId, error: 'no video display is configured' });
      listener({ status: 'idle' });
    }
  }

  clear(): void {}

  onStatus(listener: (status: VideoStatus) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
