import type { GameClock } from '../../contract/index.js';

/** What the game clock reads at one moment, in the words the pages show. */
export interface ClockReading {
  /** Which time is shown: "Time left", "Elapsed", or "OVERTIME" past the planned length. */
  label: string;
  /** H:MM:SS from an hour on, MM:SS below; "+" before the time past the planned length. */
  time: string;
  state: 'Running' | 'Paused' | 'No game';
  overtime: boolean;
  /** Whether it changes with time (a page ticks only then). */
  running: boolean;
}

/** H:MM:SS from an hour on, MM:SS below; `ms` is a whole number of seconds by now. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

/** The elapsed game time at `serverNow`: the values are as of `asOf`, and a running clock has run on since. */
export function elapsedAt(clock: GameClock, serverNow: number): number {
  if (clock.status !== 'running') return clock.elapsedMs;
  return clock.elapsedMs + Math.max(0, serverNow - Date.parse(clock.asOf));
}

/**
 * The clock as it reads at `serverNow` (the server's time, ms since the epoch). Elapsed time
 * counts whole seconds up; time left counts whole seconds down (2:00:00 for the first second
 * of a two-hour game, 00:00 only when it is up), so the two agree on when a second turns.
 */
export function readClock(clock: GameClock | undefined, serverNow: number): ClockReading {
  if (!clock) return { label: 'Elapsed', time: '--:--', state: 'No game', overtime: false, running: false };
  const elapsed = elapsedAt(clock, serverNow);
  const state = clock.status === 'running' ? 'Running' : clock.status === 'paused' ? 'Paused' : 'No game';
  const running = clock.status === 'running';
  if (clock.plannedMs === null) return { label: 'Elapsed', time: formatDuration(Math.floor(elapsed / 1000) * 1000), state, overtime: false, running };
  const remaining = clock.plannedMs - elapsed;
  if (remaining >= 0) return { label: 'Time left', time: formatDuration(Math.ceil(remaining / 1000) * 1000), state, overtime: false, running };
  return { label: 'OVERTIME', time: `+${formatDuration(Math.floor(-remaining / 1000) * 1000)}`, state, overtime: true, running };
}

/** Milliseconds until the reading next changes (the next whole second of game time); at most a second. */
export function untilNextSecond(clock: GameClock, serverNow: number): number {
  const elapsed = elapsedAt(clock, serverNow);
  // Elapsed and time left both turn when elapsed crosses a whole second, as long as the planned length is whole seconds.
  const offset = clock.plannedMs === null ? 0 : clock.plannedMs % 1000;
  const into = (((elapsed - offset) % 1000) + 1000) % 1000;
  return 1000 - into;
}
