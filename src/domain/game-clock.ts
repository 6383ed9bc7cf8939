import type { GameClock } from '../contract/index.js';

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
  /** When it last changed: what the stations see is as of then, so it does not move on its own. */
  changedAt: number;
}

/** What the stations see of the clock: the contract's GameClock. */
export type GameClockView = GameClock;

export function startedClock(now: number, plannedMs: number | null): GameClockState {
  return { runningSince: now, accumulatedMs: 0, plannedMs, stopped: false, changedAt: now };
}

export function elapsedMs(clock: GameClockState, now: number): number {
  const running = clock.runningSince === null ? 0 : Math.max(0, now - clock.runningSince);
  return Math.max(0, clock.accumulatedMs + running);
}

export function pausedClock(clock: GameClockState, now: number): GameClockState {
  if (clock.runningSince === null) return clock;
  return { ...clock, runningSince: null, accumulatedMs: elapsedMs(clock, now), changedAt: now };
}

export function resumedClock(clock: GameClockState, now: number): GameClockState {
  if (clock.stopped || clock.runningSince !== null) return clock;
  return { ...clock, runningSince: now, changedAt: now };
}

export function stoppedClock(clock: GameClockState, now: number): GameClockState {
  return { ...pausedClock(clock, now), stopped: true, changedAt: now };
}

/** Corrects the elapsed time by `deltaMs` (never below zero). */
export function adjustedClock(clock: GameClockState, now: number, deltaMs: number): GameClockState {
  const elapsed = elapsedMs(clock, now);
  const corrected = Math.max(0, elapsed + deltaMs);
  return { ...clock, accumulatedMs: clock.accumulatedMs + (corrected - elapsed), changedAt: now };
}

export function plannedClock(clock: GameClockState, now: number, plannedMs: number | null): GameClockState {
  return { ...clock, plannedMs, changedAt: now };
}

/**
 * The clock as of `now`; by default as of its last change, so the stations' state stays the
 * same until something happens and each client extrapolates a running clock from `asOf`.
 */
export function clockView(clock: GameClockState, now = clock.changedAt): GameClockView {
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

/**
 * What happened to a session's clock, as the store keeps it (append-only): `start` (value: the
 * planned length or null), `pause`, `resume`, `stop`, `plan` (value: the new planned length or
 * null) and `adjust` (value: the correction), each with when and by whom.
 */
export interface ClockEvent {
  sessionId: string;
  at: string;
  kind: 'start' | 'pause' | 'resume' | 'stop' | 'plan' | 'adjust';
  value: number | null;
  by: string;
}

/** The clock after one event at `at` (ms since the epoch). */
export function applyClockEvent(clock: GameClockState, kind: ClockEvent['kind'], at: number, value: number | null): GameClockState {
  switch (kind) {
    case 'start':
      return startedClock(at, value);
    case 'pause':
      return pausedClock(clock, at);
    case 'resume':
      return resumedClock(clock, at);
    case 'stop':
      return stoppedClock(clock, at);
    case 'plan':
      return plannedClock(clock, at, value);
    case 'adjust':
      return adjustedClock(clock, at, value ?? 0);
  }
}

/** The clock the events describe; undefined when they hold no start. */
export function clockFromEvents(events: readonly ClockEvent[]): GameClockState | undefined {
  let clock: GameClockState | undefined;
  for (const event of events) {
    const at = Date.parse(event.at);
    if (event.kind === 'start') clock = startedClock(at, event.value);
    else if (clock) clock = applyClockEvent(clock, event.kind, at, event.value);
  }
  return clock;
}
