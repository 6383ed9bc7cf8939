import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/transport/coalescer.js';
import { ManualClock } from '../support/manual-clock.js';

function setup(intervalMs = 100) {
  const timers = new ManualClock(0, { timers: 'manual' });
  const runs: number[] = [];
  const coalescer = new Coalescer(() => runs.push(timers.now()), intervalMs, timers);
  return { timers, runs, coalescer };
}

describe('Coalescer', () => {
  it('runs the first request at once', () => {
    const { runs, coalescer, timers } = setup();
    coalescer.request();
    expect(runs).toEqual([0]);
    expect(timers.pending).toBe(0);
  });

  it('collapses a burst within the interval into one trailing run at the end of the interval', () => {
    const { runs, coalescer, timers } = setup(100);
    coalescer.request();
    for (let i = 0; i < 100; i += 1) {
      timers.advance(0.5);
      coalescer.request();
    }
    expect(runs).toEqual([0]);
    expect(timers.pending).toBe(1);
    timers.advance(100);
    expect(runs).toEqual([0, 100]);
    timers.advance(1000);
    expect(runs).toEqual([0, 100]);
  });

  it('runs a burst of 100 simultaneous requests twice at most', () => {
    const { runs, coalescer, timers } = setup(100);
    for (let i = 0; i < 100; i += 1) coalescer.request();
    timers.advance(10_000);
    expect(runs).toEqual([0, 100]);
  });

  it('keeps at most one run per interval under steady requests', () => {
    const { runs, coalescer, timers } = setup(100);
    for (let i = 0; i < 1000; i += 1) {
      coalescer.request();
      timers.advance(1);
    }
    timers.advance(1000);
    expect(runs.length).toBe(11);
    for (let i = 1; i < runs.length; i += 1) expect((runs[i] ?? 0) - (runs[i - 1] ?? 0)).toBeGreaterThanOrEqual(100);
    // The last request (at 999) was delivered by a run at or after it.
    expect(runs.at(-1)).toBeGreaterThanOrEqual(999);
  });

  it('waits only the rest of the interval for the trailing run', () => {
    const { runs, coalescer, timers } = setup(100);
    coalescer.request();
    timers.advance(70);
    coalescer.request();
    timers.advance(29);
    expect(runs).toEqual([0]);
    timers.advance(1);
    expect(runs).toEqual([0, 100]);
  });

  it('runs at once again after a quiet interval', () => {
    const { runs, coalescer, timers } = setup(100);
    coalescer.request();
    timers.advance(100);
    coalescer.request();
    expect(runs).toEqual([0, 100]);
    timers.advance(250);
    coalescer.request();
    expect(runs).toEqual([0, 100, 350]);
  });

  it('cancel() drops the pending trailing run', () => {
    const { runs, coalescer, timers } = setup(100);
    coalescer.request();
    coalescer.request();
    expect(timers.pending).toBe(1);
    coalescer.cancel();
    expect(timers.pending).toBe(0);
    timers.advance(1000);
    expect(runs).toEqual([0]);
  });

  it('accepts requests again after cancel()', () => {
    const { runs, coalescer, timers } = setup(100);
    coalescer.request();
    timers.advance(10);
    coalescer.request();
    coalescer.cancel();
    coalescer.request();
    timers.advance(90);
    expect(runs).toEqual([0, 100]);
  });

  it('cancel() with nothing pending does nothing', () => {
    const { runs, coalescer, timers } = setup(100);
    coalescer.cancel();
    coalescer.request();
    expect(runs).toEqual([0]);
    expect(timers.pending).toBe(0);
  });
});
