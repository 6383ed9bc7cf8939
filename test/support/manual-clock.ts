import { systemClock } from '../../src/adapters/system-clock.js';
import type { Cancel, Clock } from '../../src/ports/clock.js';

interface Due {
  at: number;
  seq: number;
  run: () => void;
  every?: number;
}

/**
 * A clock whose time moves only when a test says so (`advance`). Its timers run either on
 * that time (`timers: 'manual'`: `advance` runs every callback that falls due, in time order;
 * for unit tests) or on real time (`'real'`, the default: an integration test moves the
 * game's time by hand while sockets, coalescing and deadlines keep their real pace).
 */
export class ManualClock implements Clock {
  private readonly due: Due[] = [];
  private seq = 0;

  constructor(
    private time = Date.now(),
    private readonly options: { timers: 'manual' | 'real' } = { timers: 'real' },
  ) {}

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): Cancel {
    if (this.options.timers === 'real') return systemClock.after(ms, callback);
    return this.schedule({ at: this.time + Math.max(0, ms), seq: this.seq++, run: callback });
  }

  every(ms: number, callback: () => void): Cancel {
    if (this.options.timers === 'real') return systemClock.every(ms, callback);
    return this.schedule({ at: this.time + ms, seq: this.seq++, run: callback, every: ms });
  }

  /** Moves time on, running (with manual timers) each callback due on the way, at its time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.due.filter((d) => d.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.time = next.at;
      if (next.every === undefined) this.due.splice(this.due.indexOf(next), 1);
      else next.at += next.every;
      next.run();
    }
    this.time = end;
  }

  /**
   * Moves time on without running the timers due meanwhile: a busy event loop, whose timers run
   * late (at the next `advance`) while the events behind them are read first.
   */
  stall(ms: number): void {
    this.time += ms;
  }

  /** Timers waiting (manual timers only). */
  get pending(): number {
    return this.due.length;
  }

  private schedule(entry: Due): Cancel {
    this.due.push(entry);
    return () => {
      const index = this.due.indexOf(entry);
      if (index >= 0) this.due.splice(index, 1);
    };
  }
}
