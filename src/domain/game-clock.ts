/**
 * The game clock of a session, as values: it runs while the session is active, holds while
 * paused, and stops when the session completes. Elapsed time is kept as "accumulated before
 * the current run" plus "running since", both from the wall clock, so a restart continues
 * where it was: the time the process was down counts, as a wall clock's would.
 */
export interface GameClockState {
  /** When the current run started (ms since the epoch); null while paused or stopped. */
  runningSince: number | null;
  /** Elapsed time before the current run, corrections included. */
  accumulatedMs: number;
  /** The planned length; null counts up only. */
  plannedMs: number | null;
  stopped: boolean;
}

export type ClockStatus = 'running' | 'paused' | 'stopped';

export interface GameClockView {
  status: ClockStatus;
  elapsedMs: number;
  plannedMs: number | null;
  remainingMs: number | null;
  overtime: boolean;
  /** When `elapsedMs` was true (ISO 8601): clients extrapolate from it while running. */
  asOf: string;
}

export function startedClock(now: number, plannedMs: number | null): GameClockState {
  return { runningSince: now, accumulatedMs: 0, plannedMs, stopped: false };
}

export function elapsedMs(clock: GameClockState, now: number): number {
  const running = clock.runningSince === null ? 0 : Math.max(0, now - clock.runningSince);
  return Math.max(0, clock.accumulatedMs + running);
}

export function pausedClock(clock: GameClockState, now: number): GameClockState {
  if (clock.runningSince === null) return clock;
  return { ...clock, runningSince: null, accumulatedMs: elapsedMs(clock, now) };
}

export function resumedClock(clock: GameClockState, now: number): GameClockState {
  if (clock.stopped || clock.runningSince !== null) return clock;
  return { ...clock, runningSince: now };
}

export function stoppedClock(clock: GameClockState, now: number): GameClockState {
  return { ...pausedClock(clock, now), stopped: true };
}

/** Corrects the elapsed time by `deltaMs` (never below zero). */
export function adjustedClock(clock: GameClockState, now: number, deltaMs: number): GameClockState {
  const elapsed = elapsedMs(clock, now);
  const corrected = Math.max(0, elapsed + deltaMs);
  return { ...clock, accumulatedMs: clock.accumulatedMs + (corrected - elapsed) };
}

export function plannedClock(clock: GameClockState, plannedMs: number | null): GameClockState {
  return { ...clock, plannedMs };
}

export function clockView(clock: GameClockState, now: number): GameClockView {
  const elapsed = elapsedMs(clock, now);
  const remaining = clock.plannedMs === null ? null : clock.plannedMs - elapsed;
  return {
    status: clock.stopped ? 'stopped' : clock.runningSince === null ? 'paused' : 'running',
    elapsedMs: elapsed,
    plannedMs: clock.plannedMs,
    remainingMs: remaining === null ? null : Math.max(0, remaining),
    overtime: remaining !== null && remaining < 0,
    asOf: new Date(now).toISOString(),
  };
}
