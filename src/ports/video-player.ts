import type { VideoStatus } from '../contract/index.js';
import type { RoomDisplay } from './room-display.js';

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
export interface VideoPlayer extends RoomDisplay {
  /** Whether a display is being driven right now. */
  readonly displayReady: boolean;
  /**
   * Whether sound reaches the TV: false once the audio output failed (the picture still
   * plays), true once it worked, undefined until a clip with sound has told. Read with each
   * status, so a change is reported with the status it happened before.
   */
  readonly audioReady: boolean | undefined;
  start(): Promise<void>;
  /** Plays a clip, replacing whatever plays. */
  play(request: PlayRequest): void;
  pause(): void;
  resume(): void;
  /** Stops what plays and returns to the idle screen (no `completed`). */
  stop(): void;
  onStatus(listener: (status: VideoStatus) => void): void;
  close(): Promise<void>;
}
