import type { SoundStatus } from '../contract/index.js';

/**
 * Sound effects on the TV's speakers, beside the clips. One sound at a time: a new sound
 * replaces the one playing (it still mixes with the clip's own audio). The mpv adapter
 * implements it; `NoSoundPlayer` stands in where there is none.
 */
export interface SoundPlayer {
  readonly status: SoundStatus;
  start(): Promise<void>;
  /**
   * Plays `file`, a name under MEDIA_DIR (resolved through the media library: no path out
   * of it), at `volume` 0-100 (default 100). Resolves once the player accepted it; rejects
   * with an AppError (INVALID_DATA for a bad name or volume, NOT_FOUND for a missing file)
   * or when no sound player runs.
   */
  play(file: string, volume?: number): Promise<void>;
  /**
   * Plays a short silent sound and resolves with what happened (never rejects): `played` once it
   * reached its end, `busy` while another sound plays (it is not interrupted), `failed` with mpv's
   * reason, `absent` where there is no sound player.
   */
  testOutput(): Promise<SoundCheck>;
  /** Stops whatever sound plays. */
  stopAll(): void;
  close(): Promise<void>;
  onStatus(listener: (status: SoundStatus) => void): void;
}

/** The sound player's silent test (the preflight's audio check). */
export type SoundCheck =
  | { outcome: 'played' }
  | { outcome: 'busy' }
  | { outcome: 'failed'; error: string }
  | { outcome: 'absent'; reason: string };
