import { realTimers, type Timers } from '../ports/timers.js';

/**
 * Runs `flush` at most once per `intervalMs`: the first request of a quiet period runs at
 * once, requests during the interval collapse into one trailing run, so the latest state is
 * always delivered and a burst costs at most one run per interval.
 */
export class Coalescer {
  private lastRun = Number.NEGATIVE_INFINITY;
  private pending: unknown;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  request(): void {
    if (this.pending !== undefined) return;
    const wait = this.lastRun + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.pending = this.timers.setTimeout(() => {
      this.pending = undefined;
      this.run();
    }, wait);
  }

  cancel(): void {
    if (this.pending !== undefined) this.timers.clearTimeout(this.pending);
    this.pending = undefined;
  }

  private run(): void {
    this.lastRun = this.timers.now();
    this.flush();
  }
}
