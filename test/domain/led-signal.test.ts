import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LedSignal } from '../../src/domain/led-signal.js';
import type { Timers } from '../../src/ports/timers.js';

const timers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

let writes: boolean[];
let led: LedSignal;
beforeEach(() => {
  vi.useFakeTimers();
  writes = [];
  led = new LedSignal((on) => writes.push(on), timers, { blinkMs: 250, flashMs: 80, flashes: 3 });
});
afterEach(() => {
  led.stop();
  vi.useRealTimers();
});

describe('LedSignal', () => {
  it('blinks while the button is held, for as long as it is held', () => {
    led.show('blink');
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual([true, false, true, false, true]);
    vi.advanceTimersByTime(10_000);
    expect(writes).toHaveLength(45);
  });

  it('flashes a fixed number of times on reset and ends dark', () => {
    led.show('flash');
    vi.advanceTimersByTime(10_000);
    expect(writes).toEqual([true, false, true, false, true, false]);
  });

  it('lets a new pattern replace the running one', () => {
    led.show('blink');
    vi.advanceTimersByTime(300);
    led.show('off');
    vi.advanceTimersByTime(10_000);
    expect(writes).toEqual([true, false, false]);
  });
});
