import { AppError, type SoundStatus } from '../../contract/index.js';
import type { SoundCheck, SoundPlayer } from '../../ports/sound-player.js';

/**
 * No sound player (`SOUND_PLAYER=none`, or in tests that need none): never ready, and every
 * sound is refused saying why.
 */
export class NoSoundPlayer implements SoundPlayer {
  readonly status: SoundStatus;

  constructor(private readonly reason = 'no sound player is configured (SOUND_PLAYER=none)') {
    this.status = { ready: false, playing: 0, lastError: reason };
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  play(file: string): Promise<void> {
    return Promise.reject(new AppError('SERVER_ERROR', `cannot play ${JSON.stringify(file)}: no sound player: ${this.reason}`));
  }

  testOutput(): Promise<SoundCheck> {
    return Promise.resolve({ outcome: 'absent', reason: this.reason });
  }

  stopAll(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }

  onStatus(): void {}
}
