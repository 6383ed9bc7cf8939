import type { Cancel, Clock } from '../ports/clock.js';

/**
 * Runs `flush` at most once per `intervalMs`: the first request of a quiet period runs at
 * once, requests during the interval collapse into one trailing run, so the latest state is
 * always delivered and a burst costs at most one run per interval.
 */
export class Coalescer {
  private lastRun = Number.NEGATIVE_INFINITY;
  private pending: Cancel | undefined;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  request(): void {
    if (this.pending !== undefined) return;
    // At most one interval: a wall clock set back (a Pi without a real-time clock) never stalls it.
    const wait = Math.min(this.intervalMs, this.lastRun + this.intervalMs - this.clock.now());
    if (wait <= 0) {
      this.run();
      return;
    }
    this.pending = this.clock.after(wait, () => {
      this.pending = undefined;
      this.run();
    });
  }

  cancel(): void {
    this.pending?.();
    this.pending = undefined;
  }

  private run(): void {
    this.lastRun = this.clock.now();
    this.flush();
  }
}
