import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResetButton, type ButtonEvent } from '../../src/domain/reset-button.js';
import { ManualClock } from '../support/manual-clock.js';

let clock: ManualClock;

let resets: number;
let events: ButtonEvent[];
let leds: string[];
let button: ResetButton;

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2025, 0, 1), { timers: 'manual' });
  resets = 0;
  events = [];
  leds = [];
  button = new ResetButton(
    { onReset: () => (resets += 1), onEvent: (e) => events.push(e), onLed: (p) => leds.push(p) },
    clock,
  );
  clock.advance(5000); // past the start-up grace
});
afterEach(() => {
  button.stop();
});

function hold(ms: number): void {
  button.lineChanged(true);
  clock.advance(ms);
  button.lineChanged(false);
}

describe('ResetButton', () => {
  it('resets on a hold of 3 seconds, once, and blinks then flashes the LED', () => {
    button.lineChanged(true);
    clock.advance(2999);
    expect(resets).toBe(0);
    clock.advance(1);
    expect(resets).toBe(1);
    clock.advance(10_000); // still held: no second reset
    expect(resets).toBe(1);
    button.lineChanged(false);
    expect(events.map((e) => e.kind)).toEqual(['pressed', 'reset']);
    expect(leds).toEqual(['blink', 'flash']);
    expect(button.health).toBe('ok');
  });

  it('resets on a long press whose release is read before its timers ran (a lagging event loop)', () => {
    button.lineChanged(true);
    clock.stall(4700);
    button.lineChanged(false);
    expect(resets).toBe(1);
    expect(events).toEqual([{ kind: 'pressed' }, { kind: 'reset' }]);
    // The cooldown counts from that reset: a long press 5 s later is refused, one 11 s later resets.
    clock.advance(5000);
    hold(3500);
    expect(resets).toBe(1);
    expect(events.at(-1)).toEqual({ kind: 'ignored', why: 'cooldown' });
    clock.advance(6000);
    hold(3500);
    expect(resets).toBe(2);
  });

  it('judges a lagged press by how long it lasted: a short one stays short, a bounce stays nothing', () => {
    button.lineChanged(true);
    clock.stall(1200);
    button.lineChanged(false);
    button.lineChanged(true);
    clock.stall(10);
    button.lineChanged(false);
    clock.advance(5000);
    expect(resets).toBe(0);
    expect(events).toEqual([{ kind: 'pressed' }, { kind: 'short-press', heldMs: 1200 }]);
  });

  it('measures a press by the hardware\'s times where it has them: a press and release read together after a stall', () => {
    const at = 1_700_000_000_000;
    // A 4.7 s press whose two changes reached the event loop in one read, after a stall.
    clock.stall(4700);
    button.lineChanged(true, at);
    button.lineChanged(false, at + 4700);
    expect(resets).toBe(1);
    expect(events).toEqual([{ kind: 'pressed' }, { kind: 'reset' }]);
    // A 1.2 s press read 3 s late and released on time is short, not a reset.
    clock.advance(20_000);
    clock.stall(3000);
    button.lineChanged(true, at + 30_000);
    clock.stall(10);
    button.lineChanged(false, at + 31_200);
    clock.advance(5000);
    expect(resets).toBe(1);
    expect(events.at(-1)).toEqual({ kind: 'short-press', heldMs: 1200 });
  });

  it('measures by the time it read the changes when the hardware\'s clock was set during a press', () => {
    const at = 1_700_000_000_000;
    button.lineChanged(true, at);
    clock.stall(1000);
    button.lineChanged(false, at + 3 * 3600_000); // the wall clock set three hours on
    button.lineChanged(true, at + 3 * 3600_000 + 5000);
    clock.stall(1000);
    button.lineChanged(false, at); // and back
    clock.advance(5000);
    expect(resets).toBe(0);
    expect(events).toEqual([
      { kind: 'pressed' },
      { kind: 'short-press', heldMs: 1000 },
      { kind: 'pressed' },
      { kind: 'short-press', heldMs: 1000 },
    ]);
  });

  it('logs a shorter press without resetting', () => {
    hold(1200);
    expect(resets).toBe(0);
    expect(events).toEqual([{ kind: 'pressed' }, { kind: 'short-press', heldMs: 1200 }]);
    expect(leds).toEqual(['blink', 'off']);
  });

  it('ignores contact bounce shorter than the debounce', () => {
    for (let i = 0; i < 20; i += 1) hold(10);
    clock.advance(5000);
    expect(events).toEqual([]);
    expect(resets).toBe(0);
  });

  it('needs a release before it can fire again, and keeps a cooldown after a reset', () => {
    hold(3000);
    expect(resets).toBe(1);
    hold(3500); // within the 10 s cooldown
    expect(resets).toBe(1);
    expect(events.at(-1)).toEqual({ kind: 'ignored', why: 'cooldown' });
    clock.advance(10_000);
    hold(3000);
    expect(resets).toBe(2);
  });

  it('ignores presses in the first seconds after start', () => {
    const early: ButtonEvent[] = [];
    let fired = 0;
    const fresh = new ResetButton({ onReset: () => (fired += 1), onEvent: (e) => early.push(e) }, clock);
    fresh.lineChanged(true);
    clock.advance(4000);
    fresh.lineChanged(false);
    expect(fired).toBe(0);
    expect(early).toEqual([{ kind: 'ignored', why: 'starting' }]);
    clock.advance(2000);
    fresh.lineChanged(true);
    clock.advance(3000);
    expect(fired).toBe(1);
    fresh.stop();
  });

  it('reports a line stuck active for more than 30 s as a fault, and its release as recovery', () => {
    const stuck = new ResetButton({ onReset: () => (resets += 1), onEvent: (e) => events.push(e) }, clock);
    stuck.lineChanged(true); // active from boot: a wiring or polarity fault
    clock.advance(30_000);
    expect(resets).toBe(0);
    expect(stuck.health).toBe('fault');
    expect(events.at(-1)).toEqual({ kind: 'stuck' });
    stuck.lineChanged(false);
    expect(stuck.health).toBe('ok');
    expect(events.at(-1)).toEqual({ kind: 'recovered' });
    stuck.stop();
  });
});
