import { describe, expect, it } from 'vitest';
import type { GameClock } from '../../../src/contract/index.js';
import { formatDuration, readClock, untilNextSecond } from '../../../src/web/shared/clock-reading.js';

const T0 = Date.UTC(2026, 10, 27, 20, 0, 0);
const s = 1000;
const min = 60 * s;

function clock(overrides: Partial<GameClock> = {}): GameClock {
  return { status: 'running', elapsedMs: 0, plannedMs: 120 * min, remainingMs: 120 * min, overtime: false, asOf: new Date(T0).toISOString(), ...overrides };
}

describe('formatDuration', () => {
  it.each([
    [0, '00:00'],
    [59 * s, '00:59'],
    [45 * min, '45:00'],
    [59 * min + 59 * s, '59:59'],
    [60 * min, '1:00:00'],
    [2 * 60 * min, '2:00:00'],
    [25 * 60 * min + 61 * s, '25:01:01'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('readClock', () => {
  it('counts the time left down from asOf while running, a second turning only when it is over', () => {
    expect(readClock(clock(), T0)).toEqual({ label: 'Time left', time: '2:00:00', state: 'Running', overtime: false, running: true });
    expect(readClock(clock(), T0 + 999).time).toBe('2:00:00');
    expect(readClock(clock(), T0 + 1000).time).toBe('1:59:59');
    expect(readClock(clock({ elapsedMs: 75 * min, remainingMs: 45 * min }), T0 + 30 * s).time).toBe('44:30');
  });

  it('holds while paused, however long ago asOf was', () => {
    const paused = clock({ status: 'paused', elapsedMs: 10 * min, remainingMs: 110 * min });
    expect(readClock(paused, T0 + 3 * 60 * min)).toEqual({ label: 'Time left', time: '1:50:00', state: 'Paused', overtime: false, running: false });
  });

  it('counts elapsed time up without a planned length', () => {
    const up = clock({ plannedMs: null, remainingMs: null, elapsedMs: 5 * min });
    expect(readClock(up, T0 + 1999)).toMatchObject({ label: 'Elapsed', time: '05:01', overtime: false });
  });

  it('turns to overtime past the planned length, counting up from it', () => {
    const oneMinute = clock({ plannedMs: min, remainingMs: min });
    expect(readClock(oneMinute, T0 + min).time).toBe('00:00');
    expect(readClock(oneMinute, T0 + min + 1)).toMatchObject({ label: 'OVERTIME', time: '+00:00', overtime: true });
    expect(readClock(oneMinute, T0 + 3 * min + 1500)).toMatchObject({ label: 'OVERTIME', time: '+02:01', overtime: true });
    // Overtime as of asOf, and held there while paused.
    const paused = clock({ status: 'paused', plannedMs: min, remainingMs: 0, elapsedMs: 2 * min, overtime: true });
    expect(readClock(paused, T0 + 60 * min)).toMatchObject({ time: '+01:00', overtime: true, state: 'Paused' });
  });

  it('says "No game" with no clock and for a stopped one, and never ticks then', () => {
    expect(readClock(undefined, T0)).toEqual({ label: 'Elapsed', time: '--:--', state: 'No game', overtime: false, running: false });
    expect(readClock(clock({ status: 'stopped', elapsedMs: 30 * min, remainingMs: 90 * min }), T0 + min)).toMatchObject({ state: 'No game', time: '1:30:00', running: false });
  });
});

describe('untilNextSecond', () => {
  it('is the time until the shown second turns', () => {
    expect(untilNextSecond(clock(), T0)).toBe(1000);
    expect(untilNextSecond(clock(), T0 + 250)).toBe(750);
    expect(untilNextSecond(clock({ elapsedMs: 400 }), T0 + 250)).toBe(350);
    const odd = clock({ plannedMs: null, remainingMs: null, elapsedMs: 1999 });
    expect(untilNextSecond(odd, T0)).toBe(1);
  });
});
