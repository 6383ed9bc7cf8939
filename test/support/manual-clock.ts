import type { Clock } from '../../src/ports/clock.js';

/** A clock that moves only when a test says so. */
export class ManualClock implements Clock {
  constructor(private time = Date.now()) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
