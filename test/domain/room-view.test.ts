import { describe, expect, it } from 'vitest';
import type { GameClock, TeamScore } from '../../src/contract/index.js';
import { groupAnnouncement, nextClockChangeMs, rankedRows, roomClock, roomView, type RoomInput } from '../../src/domain/room-view.js';

const NOW = Date.UTC(2025, 0, 1, 21, 0, 0);
const MIN = 60_000;

function score(teamId: string, currentScore: number, groups = 0, name = teamId): TeamScore {
  return {
    teamId,
    name,
    currentScore,
    tokensScanned: 1,
    bonusPoints: 0,
    adjustmentPoints: 0,
    completedGroups: Array.from({ length: groups }, (_, i) => `G${i}`),
    lastUpdate: new Date(NOW).toISOString(),
  };
}

function clock(elapsedMs: number, plannedMs: number | null, status: GameClock['status'] = 'running'): GameClock {
  const remaining = plannedMs === null ? null : plannedMs - elapsedMs;
  return {
    status,
    elapsedMs,
    plannedMs,
    remainingMs: remaining === null ? null : Math.max(0, remaining),
    overtime: remaining !== null && remaining < 0,
    asOf: new Date(NOW).toISOString(),
  };
}

function input(overrides: Partial<RoomInput> = {}): RoomInput {
  return {
    mode: 'scoreboard',
    session: { name: 'Friday 20:00', status: 'active', transactionCount: 3 },
    scores: [score('Red', 50_000), score('Blue', 125_000)],
    clock: clock(30 * MIN, 120 * MIN),
    announcement: undefined,
    welcomeLines: ['GM stations: http://10.42.0.1:3000'],
    now: NOW,
    ...overrides,
  };
}

describe('rankedRows', () => {
  it('ranks best first, equal scores sharing a rank (1, 2, 2, 4), ties by name', () => {
    const rows = rankedRows([score('d', 10), score('c', 30), score('b', 30), score('a', 50)]);
    expect(rows.map((r) => [r.rank, r.teamId])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [2, 'c'],
      [4, 'd'],
    ]);
  });

  it('shortens long names with an ellipsis and keeps the full one, and formats scores', () => {
    const long = 'X'.repeat(64);
    const [row] = rankedRows([score('t', 1_250_000, 2, long)]);
    expect(row).toMatchObject({ name: long, score: '1,250,000', groups: 2 });
    expect(row!.shortName.endsWith('…')).toBe(true);
    expect([...row!.shortName].length).toBe(28);
  });
});

describe('roomView', () => {
  it('shows the board with the session, the clock and at most 10 teams while a session runs', () => {
    const scores = Array.from({ length: 13 }, (_, i) => score(`team-${i}`, i * 1000));
    const view = roomView(input({ scores }));
    expect(view).toMatchObject({ screen: 'scoreboard', title: 'Friday 20:00', moreTeams: 3, setup: false, clock: { text: '1 h 30 min', caption: 'left' } });
    expect(view.rows).toHaveLength(10);
    expect(view.rows[0]?.teamId).toBe('team-12');
  });

  it('shows the welcome screen before the first scan, with no session, and when staff choose it', () => {
    expect(roomView(input({ session: { name: 'S', status: 'active', transactionCount: 0 } }))).toMatchObject({ screen: 'welcome', setup: true });
    expect(roomView(input({ session: undefined, clock: undefined }))).toMatchObject({ screen: 'welcome', setup: true, clock: null });
    expect(roomView(input({ mode: 'welcome' }))).toMatchObject({ screen: 'welcome', setup: false, lines: ['GM stations: http://10.42.0.1:3000'] });
  });

  it('announces a group completion over the board', () => {
    const announcement = groupAnnouncement('Marcus Sucks', 'Team Foxtrot', 125_000);
    expect(announcement).toBe('Marcus Sucks complete — Team Foxtrot +125,000');
    expect(roomView(input({ announcement }))).toMatchObject({ screen: 'announcement', announcement });
    // Not over the welcome screen staff chose.
    expect(roomView(input({ announcement, mode: 'welcome' })).screen).toBe('welcome');
  });
});

describe('roomClock', () => {
  it('reads minutes above 10 minutes left (rounded up), minutes and seconds below', () => {
    expect(roomClock(clock(0, 120 * MIN), NOW)).toEqual({ text: '2 h 00 min', caption: 'left', overtime: false, paused: false });
    expect(roomClock(clock(77 * MIN + 50_000, 120 * MIN), NOW).text).toBe('43 min');
    expect(roomClock(clock(110 * MIN + 2000, 120 * MIN), NOW).text).toBe('9:58');
    expect(roomClock(clock(120 * MIN, 120 * MIN), NOW).text).toBe('0:00');
  });

  it('shows overtime distinctly, and elapsed time without a planned length', () => {
    expect(roomClock(clock(121 * MIN + 30_000, 120 * MIN), NOW)).toEqual({ text: '+1:30', caption: 'OVERTIME', overtime: true, paused: false });
    expect(roomClock(clock(135 * MIN, 120 * MIN), NOW).text).toBe('+15 min');
    expect(roomClock(clock(42 * MIN + 59_000, null), NOW)).toEqual({ text: '42 min', caption: 'elapsed', overtime: false, paused: false });
    expect(roomClock(clock(42 * MIN, null, 'paused'), NOW)).toMatchObject({ caption: 'PAUSED', paused: true });
  });

  it('runs on from asOf while running, and holds while paused', () => {
    expect(roomClock(clock(0, 120 * MIN), NOW + 61 * MIN).text).toBe('59 min');
    expect(roomClock(clock(0, 120 * MIN, 'paused'), NOW + 61 * MIN).text).toBe('2 h 00 min');
  });
});

describe('nextClockChangeMs', () => {
  it('waits for the next minute while minutes show, the next second while seconds show', () => {
    // 90:00 left reads "1 h 30 min" until 89:00 left (time left rounds up).
    expect(nextClockChangeMs(clock(30 * MIN, 120 * MIN), NOW)).toBe(60_000);
    expect(nextClockChangeMs(clock(30 * MIN + 1000, 120 * MIN), NOW)).toBe(59_000);
    expect(nextClockChangeMs(clock(115 * MIN, 120 * MIN), NOW)).toBe(1000);
    expect(nextClockChangeMs(clock(30 * MIN + 500, null), NOW)).toBe(59_500);
    expect(nextClockChangeMs(clock(30 * MIN, 120 * MIN, 'paused'), NOW)).toBeNull();
  });
});
