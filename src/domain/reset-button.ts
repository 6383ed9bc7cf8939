import type { Cancel, Clock } from '../ports/clock.js';

export interface ResetButtonTiming {
  /** A change must hold this long to count (contact bounce). */
  debounceMs: number;
  /** How long the button must be held to reset the game. */
  holdMs: number;
  /** After a reset, presses are ignored this long. */
  cooldownMs: number;
  /** Presses right after start are ignored (a line settling, a finger still on the button). */
  startupIgnoreMs: number;
  /** A line active longer than this is a fault (wiring, polarity), not a press. */
  stuckMs: number;
}

export const defaultButtonTiming: ResetButtonTiming = {
  debounceMs: 50,
  holdMs: 3000,
  cooldownMs: 10_000,
  startupIgnoreMs: 5000,
  stuckMs: 30_000,
};

export type ButtonEvent =
  | { kind: 'pressed' }
  | { kind: 'short-press'; heldMs: number }
  | { kind: 'reset' }
  | { kind: 'ignored'; why: 'starting' | 'cooldown' }
  | { kind: 'stuck' }
  | { kind: 'recovered' };

export type ButtonHealth = 'ok' | 'fault';

export interface ResetButtonCallbacks {
  /** The deliberate long press: end the game and start a fresh one. */
  onReset: () => void;
  /** Every press, refusal and fault, for the log and the stations. */
  onEvent: (event: ButtonEvent) => void;
  /** The status LED: blinking while held, a flash on reset, off otherwise. */
  onLed?: (pattern: 'off' | 'blink' | 'flash') => void;
}

/** When a press began: on the clock, and where the hardware stamps its changes, on the hardware's clock. */
interface PressStart {
  since: number;
  sinceAtMs: number | undefined;
}

type State =
  | { name: 'released' }
  | ({ name: 'settling' } & PressStart)
  | ({ name: 'held' } & PressStart)
  | { name: 'spent' } // fired or refused: must be released before it can fire again
  | { name: 'stuck' };

/**
 * The reset button's logic, with no GPIO in it: an adapter reports the line going active or
 * inactive, this decides. Only a hold of `holdMs` resets; shorter presses are logged; the
 * button must be released before it can fire again.
 */
export class ResetButton {
  private state: State = { name: 'released' };
  private readonly startedAt: number;
  private lastReset = Number.NEGATIVE_INFINITY;
  private timers: Cancel[] = [];

  constructor(
    private readonly callbacks: ResetButtonCallbacks,
    private readonly clock: Clock,
    private readonly timing: ResetButtonTiming = defaultButtonTiming,
  ) {
    this.startedAt = clock.now();
  }

  get health(): ButtonHealth {
    return this.state.name === 'stuck' ? 'fault' : 'ok';
  }

  /**
   * The adapter saw the line change; `active` means pressed. `atMs` is when the hardware saw
   * it, on its own clock, where the hardware says (the kernel's input events).
   */
  lineChanged(active: boolean, atMs?: number): void {
    if (active) this.pressed(atMs);
    else this.released(atMs);
  }

  stop(): void {
    this.clearTimers();
  }

  private pressed(atMs: number | undefined): void {
    if (this.state.name !== 'released') return;
    const now = this.clock.now();
    this.watchForStuck();
    if (now - this.startedAt < this.timing.startupIgnoreMs) return this.refuse('starting');
    if (now - this.lastReset < this.timing.cooldownMs) return this.refuse('cooldown');
    this.state = { name: 'settling', since: now, sinceAtMs: atMs };
    this.after(this.timing.debounceMs, () => {
      if (this.state.name !== 'settling') return;
      this.state = { ...this.state, name: 'held' };
      this.callbacks.onEvent({ kind: 'pressed' });
      this.callbacks.onLed?.('blink');
      this.after(this.timing.holdMs - this.timing.debounceMs, () => this.fire());
    });
  }

  /**
   * The press is judged by how long it lasted, not only by the timers: when the event loop lags
   * (mpv restarting on a loaded Pi), the release can be read before the hold's timer has run,
   * and a 4.7 s press must still reset. Where the hardware stamps its changes, the length is
   * theirs: a press and its release read together after a stall are not a bounce.
   */
  private released(atMs: number | undefined): void {
    const state = this.state;
    this.clearTimers();
    this.state = { name: 'released' };
    switch (state.name) {
      case 'settling':
      case 'held': {
        const heldMs = Math.round(this.lengthOf(state, atMs));
        if (state.name === 'settling' && heldMs < this.timing.debounceMs) return; // a bounce
        if (state.name === 'settling') this.callbacks.onEvent({ kind: 'pressed' });
        if (heldMs >= this.timing.holdMs) {
          this.reset();
          return;
        }
        this.callbacks.onEvent({ kind: 'short-press', heldMs });
        this.callbacks.onLed?.('off');
        return;
      }
      case 'stuck':
        this.callbacks.onEvent({ kind: 'recovered' });
        return;
      case 'released':
      case 'spent':
        return;
    }
  }

  /**
   * The hardware's length of a press where it has one. That clock is the wall clock (the
   * kernel's input events): one set while the button is down could make a length of hours or
   * less than nothing, and then the time it was read is the better measure.
   */
  private lengthOf(start: PressStart, atMs: number | undefined): number {
    const read = this.clock.now() - start.since;
    if (atMs === undefined || start.sinceAtMs === undefined) return read;
    const stamped = atMs - start.sinceAtMs;
    return stamped >= 0 && stamped <= this.timing.stuckMs ? stamped : read;
  }

  private fire(): void {
    if (this.state.name !== 'held') return;
    this.state = { name: 'spent' };
    this.reset();
  }

  private reset(): void {
    this.lastReset = this.clock.now();
    this.callbacks.onLed?.('flash');
    this.callbacks.onEvent({ kind: 'reset' });
    this.callbacks.onReset();
  }

  private refuse(why: 'starting' | 'cooldown'): void {
    this.state = { name: 'spent' };
    this.callbacks.onEvent({ kind: 'ignored', why });
  }

  private watchForStuck(): void {
    this.after(this.timing.stuckMs, () => {
      if (this.state.name === 'released') return;
      this.state = { name: 'stuck' };
      this.callbacks.onLed?.('off');
      this.callbacks.onEvent({ kind: 'stuck' });
    });
  }

  private after(ms: number, action: () => void): void {
    this.timers.push(this.clock.after(ms, action));
  }

  private clearTimers(): void {
    for (const cancel of this.timers.splice(0)) cancel();
  }
}
