import type { VideoStatus } from '../contract/index.js';

export interface PlayRequest {
  tokenId: string;
  /** Absolute path of the clip, already resolved inside the media folder. */
  file: string;
}

/**
 * The venue TV. It plays one clip at a time and reports what happens to it as contract
 * statuses: `loading`, `playing` (with duration and progress), `paused`, then `completed`
 * or `error`, then `idle` once the idle screen is back. The mpv adapter implements it;
 * tests of the logic above it use a fake.
 */
export interface VideoPlayer {
  /** Whether a display is being driven right now. */
  readonly displayReady: boolean;
  start(): Promise<void>;
  /** Plays a clip, replacing whatever plays. */
  play(request: PlayRequest): void;
  pause(): void;
  resume(): void;
  /** Stops what plays and returns to the idle screen (no `completed`). */
  stop(): void;
  /** Text overlaid on the idle screen (the address GMs open, the session); undefined for none. */
  setIdleText(text: string | undefined): void;
  onStatus(listener: (status: VideoStatus) => void): void;
  close(): Promise<void>;
}
