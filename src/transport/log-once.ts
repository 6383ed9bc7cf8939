import type { Clock } from '../ports/clock.js';
import { BoundedMap } from './bounded-map.js';

/**
 * Says whether a repeated event deserves a log line: once per key per window (a minute), so
 * a client hammering the server with refused requests costs one line a minute, not a flood.
 * At most `maxKeys` keys are remembered (the oldest is forgotten first).
 */
export class LogOncePer {
  private readonly lastLogged: BoundedMap<string, number>;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly windowMs = 60_000,
    maxKeys = 1000,
  ) {
    this.lastLogged = new BoundedMap(maxKeys);
  }

  /** True when `key` was not logged within the window; counts the suppressed ones meanwhile. */
  shouldLog(key: string): boolean {
    const now = this.clock.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastLogged.delete(key);
    this.lastLogged.set(key, now);
    return true;
  }
}
