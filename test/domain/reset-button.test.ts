import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResetButton, type ButtonEvent } from '../../src/domain/reset-button.js';
import type { Timers } from '../../src/ports/timers.js';

const timers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

let resets: number;
let events: ButtonEvent[];
let leds: string[];
let button: ResetButton;

beforeEach(() => {
  vi.useFakeTimers();
  resets = 0;
  events = [];
  leds = [];
  button = new ResetButton(
    { onReset: () => (resets += 1), onEvent: (e) => events.push(e), onLed: (p) => leds.push(p) },
    timers,
  );
  vi.advanceTimersByTime(5000); // past the start-up grace
});
afterEach(() => {
  button.stop();
  vi.useRealTimers();
});

function hold(ms: number): void {
  button.lineChanged(true);
  vi.advanceTimersByTime(ms);
  button.lineChanged(false);
}

describe('ResetButton', () => {
  it('resets on a hold of 3 seconds, once, and blinks then flashes the LED', () => {
    button.lineChanged(true);
    vi.advanceTimersByTime(2999);
    expect(resets).toBe(0);
    vi.advanceTimersByTime(1);
    expect(resets).toBe(1);
    vi.advanceTimersByTime(10_000); // still held: no second reset
    expect(resets).toBe(1);
    button.lineChanged(false);
    expect(events.map((e) => e.kind)).toEqual(['pressed', 'reset']);
    expect(leds).toEqual(['blink', 'flash']);
    expect(button.health).toBe('ok');
  });

  it('logs a shorter press without resetting', () => {
    hold(1200);
    expect(resets).toBe(0);
    expect(events).toEqual([{ kind: 'pressed' }, { kind: 'short-press', heldMs: 1200 }]);
    expect(leds).toEqual(['blink', 'off']);
  });

  it('ignores contact bounce shorter than the debounce', () => {
    for (let i = 0; i < 20; i += 1) hold(10);
    vi.advanceTimersByTime(5000);
    expect(events).toEqual([]);
    expect(resets).toBe(0);
  });

  it('needs a release before it can fire again, and keeps a cooldown after a reset', () => {
    hold(3000);
    expect(resets).toBe(1);
    hold(3500); // within the 10 s cooldown
    expect(resets).toBe(1);
    expect(events.at(-1)).toEqual({ kind: 'ignored', why: 'cooldown' });
    vi.advanceTimersByTime(10_000);
    hold(3000);
    expect(resets).toBe(2);
  });

  it('ignores presses in the first seconds after start', () => {
    const early: ButtonEvent[] = [];
    let fired = 0;
    const fresh = new ResetButton({ onReset: () => (fired += 1), onEvent: (e) => early.push(e) }, timers);
    fresh.lineChanged(true);
    vi.advanceTimersByTime(4000);
    fresh.lineChanged(false);
    expect(fired).toBe(0);
    expect(early).toEqual([{ kind: 'ignored', why: 'starting' }]);
    vi.advanceTimersByTime(2000);
    fresh.lineChanged(true);
    vi.advanceTimersByTime(3000);
    expect(fired).toBe(1);
    fresh.stop();
  });

  it('reports a line stuck active for more than 30 s as a fault, and its release as recovery', () => {
    const stuck = new ResetButton({ onReset: () => (resets += 1), onEvent: (e) => events.push(e) }, timers);
    stuck.lineChanged(true); // active from boot: a wiring or polarity fault
    vi.advanceTimersByTime(30_000);
    expect(resets).toBe(0);
    expect(stuck.health).toBe('fault');
    expect(events.at(-1)).toEqual({ kind: 'stuck' });
    stuck.lineChanged(false);
    expect(stuck.health).toBe('ok');
    expect(events.at(-1)).toEqual({ kind: 'recovered' });
    stuck.stop();
  });
});
