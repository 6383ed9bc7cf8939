import type { VideoStatus } from '../contract/index.js';

export interface PlayRequest {
  tokenId: string;
  /** Absolute path of the clip, already resolved inside the media folder. */
  file: string;
}

/** The venue TV. The mpv adapter implements it; tests use a fake. */
export interface VideoPlayer {
  /** Whether a display is driven at all (`VIDEO_PLAYER=none` says no). */
  readonly displayReady: boolean;
  play(request: PlayRequest): void;
  /** Stops what plays, drops anything queued and returns to the idle screen. */
  clear(): void;
  onStatus(listener: (status: VideoStatus) => void): void;
  close(): Promise<void>;
}
