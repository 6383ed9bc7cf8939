import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedSignal } from '../../src/domain/led-signal.js';
import { ManualClock } from '../support/manual-clock.js';

let clock: ManualClock;

let writes: boolean[];
let led: LedSignal;
beforeEach(() => {
  clock = new ManualClock(Date.UTC(2025, 0, 1), { timers: 'manual' });
  writes = [];
  led = new LedSignal((on) => writes.push(on), clock, { blinkMs: 250, flashMs: 80, flashes: 3 });
});
afterEach(() => {
  led.stop();
});

describe('LedSignal', () => {
  it('blinks while the button is held, for as long as it is held', () => {
    led.show('blink');
    clock.advance(1000);
    expect(writes).toEqual([true, false, true, false, true]);
    clock.advance(10_000);
    expect(writes).toHaveLength(45);
  });

  it('flashes a fixed number of times on reset and ends dark', () => {
    led.show('flash');
    clock.advance(10_000);
    expect(writes).toEqual([true, false, true, false, true, false]);
  });

  it('lets a new pattern replace the running one', () => {
    led.show('blink');
    clock.advance(300);
    led.show('off');
    clock.advance(10_000);
    expect(writes).toEqual([true, false, false]);
  });
});
