import type { DisplayMode, GameClock, RoomClock, RoomRow, RoomView, SessionStatus, TeamScore } from '../contract/index.js';

/** Rows a TV holds from the back of a room. */
export const ROOM_ROWS = 10;
/** A name longer than this is shortened with an ellipsis on the board. */
export const ROOM_NAME_CHARS = 28;
export const WELCOME_HEADLINE = 'Waiting for the next memory…';

export interface RoomInput {
  mode: DisplayMode;
  session: { name: string; status: SessionStatus; transactionCount: number } | undefined;
  scores: readonly TeamScore[];
  clock: GameClock | undefined;
  /** The group completion being announced, if any. */
  announcement: string | undefined;
  /** The welcome screen's text lines (where GMs connect). */
  welcomeLines: readonly string[];
  now: number;
}

/**
 * What the room sees between clips, computed once for every screen (mpv's OSD on the TV,
 * `/scoreboard` in a browser). The welcome screen shows before a session's first scan, when no
 * session runs, and when staff choose it; otherwise the board, or a group completion for a
 * few seconds.
 */
export function roomView(input: RoomInput): RoomView {
  const { session } = input;
  const setup = session === undefined || session.status === 'completed' || session.transactionCount === 0;
  const clock = session && session.status !== 'completed' && input.clock ? roomClock(input.clock, input.now) : null;
  const board = rankedRows(input.scores);
  const base = {
    lines: [...input.welcomeLines],
    clock,
    rows: board.slice(0, ROOM_ROWS),
    moreTeams: Math.max(0, board.length - ROOM_ROWS),
    announcement: null,
    setup,
  };
  if (setup || input.mode === 'welcome' || !session) return { ...base, screen: 'welcome', title: WELCOME_HEADLINE };
  if (input.announcement !== undefined) return { ...base, screen: 'announcement', title: session.name, announcement: input.announcement };
  return { ...base, screen: 'scoreboard', title: session.name };
}

/** The leaderboard: best first, equal scores sharing a rank (1, 2, 2, 4). */
export function rankedRows(scores: readonly TeamScore[]): RoomRow[] {
  const sorted = [...scores].sort((a, b) => b.currentScore - a.currentScore || a.name.localeCompare(b.name));
  return sorted.map((score) => {
    const firstEqual = sorted.findIndex((other) => other.currentScore === score.currentScore);
    return {
      rank: firstEqual + 1,
      teamId: score.teamId,
      name: score.name,
      shortName: shortened(score.name, ROOM_NAME_CHARS),
      score: score.currentScore.toLocaleString('en-US'),
      groups: score.completedGroups.length,
    };
  });
}

export function shortened(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** "Marcus Sucks complete — Team Foxtrot +125,000". */
export function groupAnnouncement(group: string, teamName: string, bonusPoints: number): string {
  return `${group} complete — ${teamName} +${bonusPoints.toLocaleString('en-US')}`;
}

/** The elapsed game time at `now`: a running clock has run on since its `asOf`. */
export function elapsedFrom(clock: GameClock, now: number): number {
  if (clock.status !== 'running') return clock.elapsedMs;
  return clock.elapsedMs + Math.max(0, now - Date.parse(clock.asOf));
}

const MINUTE = 60_000;
/** Under this much time left the room sees seconds; above it, minutes are enough. */
const SECONDS_BELOW_MS = 10 * MINUTE;

/**
 * The clock as the room reads it: minutes while more than 10 minutes are left (or counting up),
 * minutes and seconds in the last 10 minutes and the first 10 of overtime.
 */
export function roomClock(clock: GameClock, now: number): RoomClock {
  const paused = clock.status !== 'running';
  const elapsed = elapsedFrom(clock, now);
  if (clock.plannedMs === null) {
    return { text: minutes(elapsed), caption: paused ? 'PAUSED' : 'elapsed', overtime: false, paused };
  }
  const remaining = clock.plannedMs - elapsed;
  if (remaining < 0) {
    const over = -remaining;
    return { text: `+${over < SECONDS_BELOW_MS ? minutesSeconds(over) : minutes(over)}`, caption: 'OVERTIME', overtime: true, paused };
  }
  const text = remaining < SECONDS_BELOW_MS ? minutesSeconds(remaining, 'up') : minutes(remaining, 'up');
  return { text, caption: paused ? 'PAUSED' : 'left', overtime: false, paused };
}

/** "42 min", or "1 h 05 min" from an hour on. Time left rounds up: 42:10 left reads "43 min". */
function minutes(ms: number, rounding: 'down' | 'up' = 'down'): string {
  const total = rounding === 'up' ? Math.ceil(ms / MINUTE) : Math.floor(ms / MINUTE);
  if (total < 60) return `${total} min`;
  return `${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')} min`;
}

/** "9:58". */
function minutesSeconds(ms: number, rounding: 'down' | 'up' = 'down'): string {
  const total = rounding === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * How long until the room clock's text next changes (so a screen redraws then, and not every
 * second while only minutes show); null for a clock that is not running.
 */
export function nextClockChangeMs(clock: GameClock, now: number): number | null {
  if (clock.status !== 'running') return null;
  const current = roomClock(clock, now).text;
  // The text changes on a whole second of elapsed time; find the first second it differs.
  const elapsed = elapsedFrom(clock, now);
  const toNextSecond = 1000 - (elapsed % 1000) || 1000;
  for (let step = toNextSecond; step <= 61_000; step += 1000) {
    if (roomClock(clock, now + step).text !== current) return step;
  }
  return 61_000;
}
