import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { GameState, RoomView, Session, TeamScore, Transaction } from '../../src/contract/index.js';
import { RoomScreen } from '../../src/app/room-screen.js';
import { ManualClock } from '../support/manual-clock.js';

const START = Date.UTC(2025, 0, 1, 20, 0, 0);
const MIN = 60_000;

class Settings {
  readonly values = new Map<string, string>();
  getSetting(key: string): string | undefined {
    return this.values.get(key);
  }
  setSetting(key: string, value: string): void {
    this.values.set(key, value);
  }
}

function score(teamId: string, currentScore: number): TeamScore {
  return { teamId, name: teamId, currentScore, tokensScanned: 1, bonusPoints: 0, adjustmentPoints: 0, completedGroups: [], lastUpdate: new Date(START).toISOString() };
}

/** A game the test changes by hand, and the views the screen drew. */
function setup(settings = new Settings()) {
  const clock = new ManualClock(START, { timers: 'manual' });
  const drawn: RoomView[] = [];
  const game = {
    session: { id: 's1', name: 'Friday', startTime: new Date(START).toISOString(), status: 'active', transactionCount: 1, acceptedCount: 1, playerScanCount: 0 } as Session,
    scores: [score('Red', 10_000)],
    plannedMs: 120 * MIN as number | null,
  };
  const state = (): GameState => ({
    sessionId: 's1',
    lastUpdate: new Date(START).toISOString(),
    video: { status: 'idle' },
    scores: game.scores,
    teams: [],
    recentTransactions: [],
    systemStatus: { orchestratorOnline: true, videoDisplayReady: true, resetButton: 'unavailable' },
    clock: { status: 'running', elapsedMs: 0, plannedMs: game.plannedMs, remainingMs: game.plannedMs, overtime: false, asOf: new Date(START).toISOString() },
  });
  let modeChanges = 0;
  const screen = new RoomScreen({
    clock,
    displays: [{ showRoom: (view) => drawn.push(view) }],
    source: () => ({ session: game.session, state: state() }),
    welcomeLines: () => ['GM stations: http://10.42.0.1:3000'],
    settings,
    modeChanged: () => (modeChanges += 1),
    logger: pino({ enabled: false }),
  });
  return { clock, drawn, game, screen, settings, modeChanges: () => modeChanges };
}

const completing = (teamId: string): Transaction => ({
  id: 't1',
  tokenId: 'pair02',
  teamId,
  scannerId: 'GM',
  sessionId: 's1',
  timestamp: new Date(START).toISOString(),
  status: 'accepted',
  points: 125_000,
  groupCompleted: { group: 'Pair', bonusPoints: 175_000 },
});

describe('RoomScreen', () => {
  it('draws the board at start and again only when something visible changed, at most once a second', () => {
    const { clock, drawn, game, screen } = setup();
    screen.start();
    expect(drawn.map((v) => v.screen)).toEqual(['scoreboard']);
    clock.advance(1000);
    screen.stateChanged();
    expect(drawn).toHaveLength(1); // nothing visible changed
    game.scores = [score('Red', 20_000)];
    screen.stateChanged();
    game.scores = [score('Red', 30_000)];
    screen.stateChanged();
    clock.advance(999);
    expect(drawn).toHaveLength(1);
    clock.advance(1);
    expect(drawn.map((v) => v.rows[0]?.score)).toEqual(['10,000', '30,000']);
  });

  it('redraws a running clock when its text changes: each minute above 10 minutes left, each second below', () => {
    const { clock, drawn, game, screen } = setup();
    game.plannedMs = 11 * MIN;
    screen.start();
    expect(drawn.at(-1)?.clock?.text).toBe('11 min');
    clock.advance(59_000);
    expect(drawn).toHaveLength(1);
    clock.advance(1000);
    expect(drawn.at(-1)?.clock?.text).toBe('10 min');
    clock.advance(1000);
    expect(drawn.at(-1)?.clock?.text).toBe('9:59');
    clock.advance(3000);
    expect(drawn.slice(-3).map((v) => v.clock?.text)).toEqual(['9:58', '9:57', '9:56']);
  });

  it('announces a completed group for 5 s, then shows the board again', () => {
    const { clock, drawn, screen } = setup();
    screen.start();
    screen.transactionRecorded(completing('Red'));
    clock.advance(1000);
    expect(drawn.at(-1)).toMatchObject({ screen: 'announcement', announcement: 'Pair complete — Red +175,000' });
    clock.advance(4000);
    expect(drawn.at(-1)?.screen).toBe('scoreboard');
  });

  it('keeps the mode staff chose across a restart and tells the stations', () => {
    const first = setup();
    first.screen.start();
    expect(first.screen.setMode('welcome')).toEqual({ mode: 'welcome' });
    expect(first.modeChanges()).toBe(1);
    first.clock.advance(1000);
    expect(first.drawn.at(-1)?.screen).toBe('welcome');
    const second = setup(first.settings);
    expect(second.screen.display).toEqual({ mode: 'welcome' });
  });

  it("shows a cue's message on every screen and in the stations' state for its seconds; a new one replaces it", () => {
    const { clock, drawn, screen, modeChanges } = setup();
    screen.start();
    screen.showMessage('Police raid!', 10);
    expect(screen.display).toEqual({ mode: 'scoreboard', message: 'Police raid!' });
    expect(modeChanges()).toBe(1);
    clock.advance(1000);
    expect(drawn.at(-1)).toMatchObject({ screen: 'scoreboard', message: 'Police raid!' });
    screen.showMessage('Ten minutes left', 5);
    clock.advance(4999);
    expect(drawn.at(-1)?.message).toBe('Ten minutes left');
    clock.advance(1);
    expect(screen.display).toEqual({ mode: 'scoreboard' });
    expect(modeChanges()).toBe(3);
    clock.advance(1000);
    expect(drawn.at(-1)).not.toHaveProperty('message');
  });
});
