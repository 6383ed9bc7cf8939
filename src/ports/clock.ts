/** Stops a timer; calling it again, or after the timer ran, does nothing. */
export type Cancel = () => void;

/**
 * Time, and the timers that run on it: injected everywhere a rule depends on time, so that
 * tests can drive it without waiting. The real one is `systemClock` in src/adapters.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once, `ms` from now. */
  after(ms: number, callback: () => void): Cancel;
  /** Runs `callback` every `ms`. */
  every(ms: number, callback: () => void): Cancel;
}
