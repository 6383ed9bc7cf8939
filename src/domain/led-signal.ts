import type { Cancel, Clock } from '../ports/clock.js';

export type LedPattern = 'off' | 'blink' | 'flash';

export interface LedSignalTiming {
  /** Half-period of the blink shown while the button is held. */
  blinkMs: number;
  /** Half-period of the quick flashes that confirm a reset. */
  flashMs: number;
  flashes: number;
}

export const defaultLedTiming: LedSignalTiming = { blinkMs: 250, flashMs: 80, flashes: 5 };

/**
 * Turns the reset button's LED patterns into on/off writes: blinking while held, a burst of
 * quick flashes on reset, then dark. A new pattern replaces the one running.
 */
export class LedSignal {
  private timer: Cancel | undefined;
  private lit = false;

  constructor(
    private readonly write: (on: boolean) => void,
    private readonly clock: Clock,
    private readonly timing: LedSignalTiming = defaultLedTiming,
  ) {}

  show(pattern: LedPattern): void {
    this.cancel();
    switch (pattern) {
      case 'off':
        return this.set(false);
      case 'blink':
        return this.toggle(this.timing.blinkMs, Number.POSITIVE_INFINITY);
      case 'flash':
        return this.toggle(this.timing.flashMs, this.timing.flashes * 2);
    }
  }

  stop(): void {
    this.cancel();
    this.set(false);
  }

  /** Starts lit and toggles every `halfPeriodMs`, `toggles` times, ending dark. */
  private toggle(halfPeriodMs: number, toggles: number): void {
    this.set(true);
    let left = toggles - 1;
    const step = () => {
      this.set(!this.lit);
      left -= 1;
      if (left > 0) this.timer = this.clock.after(halfPeriodMs, step);
      else this.timer = undefined;
    };
    this.timer = this.clock.after(halfPeriodMs, step);
  }

  private set(on: boolean): void {
    this.lit = on;
    this.write(on);
  }

  private cancel(): void {
    this.timer?.();
    this.timer = undefined;
  }
}
