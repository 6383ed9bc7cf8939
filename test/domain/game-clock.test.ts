import { describe, expect, it } from 'vitest';
import {
  adjustedClock,
  clockFromEvents,
  clockView,
  type ClockEvent,
  pausedClock,
  plannedClock,
  resumedClock,
  startedClock,
  stoppedClock,
} from '../../src/domain/game-clock.js';

const T0 = Date.UTC(2026, 10, 27, 20, 0, 0);
const min = 60_000;

describe('the game clock', () => {
  it('runs from the start, counting up without a planned length', () => {
    const clock = startedClock(T0, null);
    expect(clockView(clock, T0 + 5 * min)).toEqual({
      status: 'running',
      elapsedMs: 5 * min,
      plannedMs: null,
      remainingMs: null,
      overtime: false,
      asOf: new Date(T0 + 5 * min).toISOString(),
    });
  });

  it('holds while paused and goes on from there when resumed', () => {
    let clock = startedClock(T0, 120 * min);
    clock = pausedClock(clock, T0 + 10 * min);
    expect(clockView(clock, T0 + 40 * min)).toMatchObject({ status: 'paused', elapsedMs: 10 * min, remainingMs: 110 * min });
    // Pausing twice changes nothing.
    expect(pausedClock(clock, T0 + 50 * min)).toEqual(clock);
    clock = resumedClock(clock, T0 + 40 * min);
    expect(clockView(clock, T0 + 45 * min)).toMatchObject({ status: 'running', elapsedMs: 15 * min, remainingMs: 105 * min });
  });

  it('stops for good when the session completes', () => {
    let clock = stoppedClock(startedClock(T0, 60 * min), T0 + 30 * min);
    expect(clockView(clock, T0 + 90 * min)).toMatchObject({ status: 'stopped', elapsedMs: 30 * min });
    clock = resumedClock(clock, T0 + 95 * min);
    expect(clockView(clock, T0 + 99 * min)).toMatchObject({ status: 'stopped', elapsedMs: 30 * min });
  });

  it('shows overtime past the planned length without ending anything', () => {
    const clock = startedClock(T0, 60 * min);
    expect(clockView(clock, T0 + 60 * min)).toMatchObject({ remainingMs: 0, overtime: false, status: 'running' });
    expect(clockView(clock, T0 + 61 * min)).toMatchObject({ remainingMs: 0, overtime: true, elapsedMs: 61 * min, status: 'running' });
  });

  it('is corrected by staff, never below zero, running or paused', () => {
    let clock = startedClock(T0, 90 * min);
    clock = adjustedClock(clock, T0 + 10 * min, -3 * min);
    expect(clockView(clock, T0 + 10 * min).elapsedMs).toBe(7 * min);
    expect(clockView(clock, T0 + 20 * min).elapsedMs).toBe(17 * min);
    clock = pausedClock(clock, T0 + 20 * min);
    clock = adjustedClock(clock, T0 + 25 * min, -60 * min);
    expect(clockView(clock, T0 + 30 * min).elapsedMs).toBe(0);
    clock = plannedClock(clock, T0 + 30 * min, 30 * min);
    expect(clockView(clock, T0 + 30 * min)).toMatchObject({ plannedMs: 30 * min, remainingMs: 30 * min });
  });

  it('is seen as of its last change, so the state does not move on its own', () => {
    let clock = startedClock(T0, 60 * min);
    expect(clockView(clock)).toMatchObject({ status: 'running', elapsedMs: 0, asOf: new Date(T0).toISOString() });
    clock = pausedClock(clock, T0 + 7 * min);
    expect(clockView(clock)).toMatchObject({ status: 'paused', elapsedMs: 7 * min, remainingMs: 53 * min, asOf: new Date(T0 + 7 * min).toISOString() });
  });

  it('continues after a restart from its stored state: the time the process was down counts', () => {
    const stored = JSON.parse(JSON.stringify(startedClock(T0, null))) as ReturnType<typeof startedClock>;
    expect(clockView(stored, T0 + 3 * min).elapsedMs).toBe(3 * min);
  });
});

describe('the clock from its stored events', () => {
  const at = (minutes: number) => new Date(T0 + minutes * min).toISOString();
  const event = (minutes: number, kind: ClockEvent['kind'], value: number | null = null): ClockEvent => ({ sessionId: 's1', at: at(minutes), kind, value, by: 'session' });

  it('replays start, pause, resume, corrections and stop in order', () => {
    const clock = clockFromEvents([
      event(0, 'start', 60 * min),
      event(10, 'pause'),
      event(25, 'resume'),
      event(30, 'adjust', -2 * min),
      event(31, 'plan', 45 * min),
      event(40, 'stop'),
    ]);
    expect(clockView(clock!)).toEqual({
      status: 'stopped',
      elapsedMs: 23 * min,
      plannedMs: 45 * min,
      remainingMs: 22 * min,
      overtime: false,
      asOf: at(40),
    });
  });

  it('knows no clock without a start', () => {
    expect(clockFromEvents([])).toBeUndefined();
    expect(clockFromEvents([event(1, 'pause')])).toBeUndefined();
  });
});
