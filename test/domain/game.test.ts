import { beforeEach, describe, expect, it } from 'vitest';
import type { ClockEvent } from '../../src/domain/game-clock.js';
import { UnknownTokenError } from '../../src/domain/errors.js';
import type { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { AppError, type PlayerScan, type Session, type Team, type Transaction } from '../../src/contract/index.js';
import { Game, PAUSED_REASON, UNKNOWN_TOKEN_REASON, type Submission, type SubmitOutcome } from '../../src/domain/game.js';
import type { GameStore, LogBatch, SessionRecord, StoredCorrection } from '../../src/ports/store.js';
import { caught } from '../support/caught.js';
import { fixtureCatalog } from '../support/fixtures.js';
import { storeFolderPerTest } from '../support/store-files.js';

const catalog = fixtureCatalog();
const START = Date.UTC(2025, 0, 1, 20, 0, 0);

/** Delegates to the real store; `failWrites` makes every write throw before it reaches it. */
class FailingStore implements GameStore {
  failWrites = false;
  constructor(private readonly inner: GameStore) {}
  private guard(): void {
    if (this.failWrites) throw new Error('disk full');
  }
  currentSession(): SessionRecord | undefined {
    return this.inner.currentSession();
  }
  switchSession(ended: SessionRecord | undefined, started: SessionRecord, clockEvents?: readonly ClockEvent[]): void {
    this.guard();
    this.inner.switchSession(ended, started, clockEvents);
  }
  updateSession(session: SessionRecord, clockEvents?: readonly ClockEvent[]): void {
    this.guard();
    this.inner.updateSession(session, clockEvents);
  }
  appendClockEvents(events: readonly ClockEvent[]): void {
    this.guard();
    this.inner.appendClockEvents(events);
  }
  clockEvents(sessionId: string): ClockEvent[] {
    return this.inner.clockEvents(sessionId);
  }
  transaction(id: string): Transaction | undefined {
    return this.inner.transaction(id);
  }
  teams(sessionId: string): Team[] {
    return this.inner.teams(sessionId);
  }
  corrections(sessionId: string): StoredCorrection[] {
    return this.inner.corrections(sessionId);
  }
  appendLog(batch: LogBatch): void {
    this.guard();
    this.inner.appendLog(batch);
  }
  transactions(sessionId: string): Transaction[] {
    return this.inner.transactions(sessionId);
  }
  playerScans(sessionId: string): PlayerScan[] {
    return this.inner.playerScans(sessionId);
  }
  playerScanById(deviceId: string, scanId: string): PlayerScan | undefined {
    return this.inner.playerScanById(deviceId, scanId);
  }
  sessions(): Session[] {
    return this.inner.sessions();
  }
  session(id: string): Session | undefined {
    return this.inner.session(id);
  }
}

/** A submission staged and committed at once: the show's group commit with a group of one. */
function submit(game: Game, input: Submission): SubmitOutcome {
  const outcome = game.stage(input);
  game.commitStaged();
  return outcome;
}

/** A player scan staged and committed at once, as the show's group commit does. */
function recordScan(game: Game, tokenId: string, deviceId: string): PlayerScan {
  const { scan } = game.stagePlayerScan(tokenId, deviceId);
  game.commitStaged();
  return scan;
}

const folder = storeFolderPerTest('game-test-', 'game.db');
let now: number;
let ids: number;
const clock = { now: () => now };

beforeEach(() => {
  now = START;
  ids = 0;
});

function openStore(): SqliteStore {
  return folder.open();
}

/** A game on the temp database; a second call is the server after a restart. */
function boot(store: GameStore = openStore(), options: { maxTeams?: number; playerScanStaleMs?: number } = {}): { game: Game; store: GameStore } {
  const game = new Game({ store, catalog, clock, newId: () => `id-${++ids}`, ...options });
  return { game, store };
}

/** Closes every open connection, as a process exit would. */
function restart(): { game: Game; store: GameStore } {
  folder.closeAll();
  return boot();
}

const appError = (action: () => unknown): AppError => caught(action, AppError);

function tick(ms = 1000): void {
  now += ms;
}

describe('Game.start', () => {
  it('creates an active session when there is none', () => {
    const { game, store } = boot();
    const session = game.start();
    expect(session).toEqual({
      id: 'id-1',
      name: 'Game 2025-01-01 20:00',
      startTime: '2025-01-01T20:00:00.000Z',
      status: 'active',
      transactionCount: 0,
      acceptedCount: 0,
      playerScanCount: 0,
    });
    expect(game.session).toEqual(session);
    expect(store.currentSession()).toEqual({ id: 'id-1', name: 'Game 2025-01-01 20:00', startTime: '2025-01-01T20:00:00.000Z', status: 'active' });
    expect(game.state().sessionId).toBe('id-1');
  });

  it('resumes the active session after a restart, with its log, scores and claims', () => {
    const first = boot().game;
    const session = first.start();
    tick();
    const accepted = submit(first, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' }).transaction;
    tick();
    submit(first, { tokenId: 'tok002', teamId: 'team-2', scannerId: 'GM_B' });
    recordScan(first, 'tok002', 'player-1');

    const { game, store } = restart();
    tick();
    expect(game.start()).toEqual({ ...session, transactionCount: 2, acceptedCount: 2, playerScanCount: 1 });
    expect(store.sessions()).toHaveLength(1);
    expect(game.state().scores.map((s) => [s.teamId, s.currentScore])).toEqual([
      ['team-2', 75_000],
      ['team-1', 10_000],
    ]);
    expect(game.recentTransactions().map((t) => t.tokenId)).toEqual(['tok001', 'tok002']);
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-3', scannerId: 'GM_C' }).transaction).toMatchObject({
      status: 'duplicate',
      points: 0,
    });
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' })).toEqual({ transaction: accepted, fresh: false });
  });

  it('resumes a paused session after a restart, still paused', () => {
    const first = boot().game;
    const session = first.start();
    first.setSessionStatus('paused');

    const { game } = restart();
    expect(game.start()).toMatchObject({ id: session.id, status: 'paused' });
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' }).transaction).toMatchObject({
      status: 'rejected',
      rejectionReason: PAUSED_REASON,
    });
  });

  it('starts a new session after a restart when the last one was completed', () => {
    const first = boot().game;
    const old = first.start();
    first.setSessionStatus('completed');

    const { game, store } = restart();
    const session = game.start();
    expect(session.id).not.toBe(old.id);
    expect(session.status).toBe('active');
    expect(store.sessions().map((s) => s.status)).toEqual(['active', 'completed']);
  });
});

describe('submissions (stage, then commitStaged)', () => {
  it('accepts a known token for its value, timestamped by the clock', () => {
    const { game, store } = boot();
    const session = game.start();
    tick(5000);
    const outcome = submit(game, { tokenId: 'TOK004', teamId: 'team-1', scannerId: 'GM_A' });
    expect(outcome).toEqual({
      fresh: true,
      transaction: {
        id: 'id-2',
        tokenId: 'TOK004',
        teamId: 'team-1',
        scannerId: 'GM_A',
        sessionId: session.id,
        timestamp: '2025-01-01T20:00:05.000Z',
        status: 'accepted',
        points: 375_000,
      },
    });
    expect(store.transactions(session.id)).toEqual([outcome.transaction]);
    expect(game.state()).toMatchObject({
      lastUpdate: '2025-01-01T20:00:05.000Z',
      scores: [{ teamId: 'team-1', currentScore: 375_000, tokensScanned: 1 }],
      recentTransactions: [outcome.transaction],
    });
  });

  it('answers a second team with a duplicate worth 0: the first write wins', () => {
    const { game, store } = boot();
    const session = game.start();
    submit(game, { tokenId: 'tok003', teamId: 'team-1', scannerId: 'GM_A' });
    const second = submit(game, { tokenId: 'tok003', teamId: 'team-2', scannerId: 'GM_B' });
    expect(second.fresh).toBe(true);
    expect(second.transaction).toMatchObject({ status: 'duplicate', points: 0, teamId: 'team-2' });
    expect(second.transaction.rejectionReason).toContain('team-1');
    expect(store.transactions(session.id).map((t) => t.status)).toEqual(['accepted', 'duplicate']);
    expect(game.state().scores.map((s) => [s.teamId, s.currentScore])).toEqual([
      ['team-1', 250_000],
      ['team-2', 0],
    ]);
  });

  it('counts a second scan by the same team from another station as a duplicate', () => {
    const { game } = boot();
    game.start();
    submit(game, { tokenId: 'tok003', teamId: 'team-1', scannerId: 'GM_A' });
    const again = submit(game, { tokenId: 'tok003', teamId: 'team-1', scannerId: 'GM_B' });
    expect(again).toMatchObject({ fresh: true, transaction: { status: 'duplicate', points: 0 } });
    expect(game.state().scores[0]?.currentScore).toBe(250_000);
  });

  it('rejects an unknown token with a reason and 0 points', () => {
    const { game, store } = boot();
    const session = game.start();
    const outcome = submit(game, { tokenId: 'nope99', teamId: 'team-1', scannerId: 'GM_A' });
    expect(outcome).toMatchObject({
      fresh: true,
      transaction: { tokenId: 'nope99', status: 'rejected', rejectionReason: UNKNOWN_TOKEN_REASON, points: 0 },
    });
    expect(store.transactions(session.id)).toEqual([outcome.transaction]);
    // A rejected scan is logged but never creates a team.
    expect(game.state().scores).toEqual([]);
  });

  it('refuses a submission for a new team beyond maxTeams with TEAM_LIMIT, writing nothing', () => {
    const { game, store } = boot(openStore(), { maxTeams: 2 });
    const session = game.start();
    submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    // A rejected scan does not take a team's place.
    submit(game, { tokenId: 'nope', teamId: 'team-x', scannerId: 'GM_A' });
    submit(game, { tokenId: 'tok002', teamId: 'team-2', scannerId: 'GM_A' });
    const error = caught(() => submit(game, { tokenId: 'tok003', teamId: 'team-3', scannerId: 'GM_A' }), AppError);
    expect(error.code).toBe('TEAM_LIMIT');
    expect(store.transactions(session.id)).toHaveLength(3);
    // Known teams still score.
    expect(submit(game, { tokenId: 'tok003', teamId: 'team-2', scannerId: 'GM_A' }).transaction.status).toBe('accepted');
    expect(game.state().scores.map((s) => s.teamId).sort()).toEqual(['team-1', 'team-2']);
  });

  it('matches token ids case-insensitively and stores the catalog spelling', () => {
    const { game, store } = boot();
    const session = game.start();
    expect(submit(game, { tokenId: 'TOK001', teamId: 'team-1', scannerId: 'GM_A' }).transaction).toMatchObject({
      tokenId: 'tok001',
      status: 'accepted',
    });
    expect(submit(game, { tokenId: 'tok004', teamId: 'team-1', scannerId: 'GM_A' }).transaction.tokenId).toBe('TOK004');
    expect(submit(game, { tokenId: 'Tok001', teamId: 'team-2', scannerId: 'GM_B' }).transaction).toMatchObject({
      tokenId: 'tok001',
      status: 'duplicate',
    });
    expect(store.transactions(session.id).map((t) => t.tokenId)).toEqual(['tok001', 'TOK004', 'tok001']);
  });

  it.each([
    ['an accepted', 'tok001', 'accepted'],
    ['a rejected', 'unknown', 'rejected'],
  ])('answers the resubmission of %s scan with the original, writing nothing', (_what, tokenId, status) => {
    const { game, store } = boot();
    const session = game.start();
    const original = submit(game, { tokenId, teamId: 'team-1', scannerId: 'GM_A' });
    expect(original.transaction.status).toBe(status);
    tick();
    const again = submit(game, { tokenId: tokenId.toUpperCase(), teamId: 'team-1', scannerId: 'GM_A' });
    expect(again).toEqual({ transaction: original.transaction, fresh: false });
    expect(store.transactions(session.id)).toHaveLength(1);
    expect(game.session?.transactionCount).toBe(1);
    expect(game.recentTransactions()).toHaveLength(1);
  });

  it('answers the resubmission of a duplicate with the original duplicate', () => {
    const { game, store } = boot();
    const session = game.start();
    submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    const duplicate = submit(game, { tokenId: 'tok001', teamId: 'team-2', scannerId: 'GM_B' });
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-2', scannerId: 'GM_B' })).toEqual({
      transaction: duplicate.transaction,
      fresh: false,
    });
    expect(store.transactions(session.id)).toHaveLength(2);
  });

  it('rejects scans while paused and judges the same scan anew once resumed', () => {
    const { game, store } = boot();
    const session = game.start();
    expect(game.setSessionStatus('paused')).toMatchObject({ id: session.id, status: 'paused' });
    const paused = submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    expect(paused).toMatchObject({ fresh: true, transaction: { status: 'rejected', rejectionReason: PAUSED_REASON, points: 0 } });
    const pausedAgain = submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    expect(pausedAgain).toMatchObject({ fresh: true, transaction: { status: 'rejected', rejectionReason: PAUSED_REASON } });
    expect(pausedAgain.transaction.id).not.toBe(paused.transaction.id);

    game.setSessionStatus('active');
    const resumed = submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    expect(resumed).toMatchObject({ fresh: true, transaction: { status: 'accepted', points: 10_000 } });
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' })).toEqual({
      transaction: resumed.transaction,
      fresh: false,
    });
    expect(store.transactions(session.id).map((t) => t.status)).toEqual(['rejected', 'rejected', 'accepted']);
  });

  it('judges a scan rejected while paused anew after a restart and resume', () => {
    const first = boot().game;
    first.start();
    first.setSessionStatus('paused');
    submit(first, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });

    const { game } = restart();
    game.start();
    game.setSessionStatus('active');
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' })).toMatchObject({
      fresh: true,
      transaction: { status: 'accepted' },
    });
  });

  it('refuses scans once the session is completed', () => {
    const { game } = boot();
    game.start();
    tick();
    expect(game.setSessionStatus('completed')).toMatchObject({ status: 'completed', endTime: '2025-01-01T20:00:01.000Z' });
    expect(game.session).toBeUndefined();
    expect(game.state()).toMatchObject({ sessionId: null, scores: [], recentTransactions: [] });
    const error = appError(() => submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' }));
    expect(error.code).toBe('SESSION_NOT_FOUND');
    expect(appError(() => game.setSessionStatus('active')).code).toBe('SESSION_NOT_FOUND');
  });

  it('leaves the game unchanged when the store cannot write the transaction', () => {
    const store = new FailingStore(openStore());
    const { game } = boot(store);
    const session = game.start();
    submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    const before = { state: game.state(), session: game.session, recent: game.recentTransactions() };

    store.failWrites = true;
    tick();
    expect(() => submit(game, { tokenId: 'tok002', teamId: 'team-2', scannerId: 'GM_B' })).toThrow('disk full');
    expect(() => submit(game, { tokenId: 'tok001', teamId: 'team-2', scannerId: 'GM_B' })).toThrow('disk full');
    expect(game.state()).toEqual(before.state);
    expect(game.session).toEqual(before.session);
    expect(game.recentTransactions()).toEqual(before.recent);
    expect(store.transactions(session.id)).toHaveLength(1);

    store.failWrites = false;
    // Neither the token claim nor the submission was remembered: the retry is judged as new.
    expect(submit(game, { tokenId: 'tok002', teamId: 'team-2', scannerId: 'GM_B' })).toMatchObject({
      fresh: true,
      transaction: { status: 'accepted', points: 75_000 },
    });
    expect(submit(game, { tokenId: 'tok002', teamId: 'team-3', scannerId: 'GM_C' }).transaction.status).toBe('duplicate');
  });
});

describe('sessions', () => {
  it('startSession completes the previous session and starts an empty one', () => {
    const { game, store } = boot();
    const first = game.start();
    submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    tick(60_000);
    const second = game.startSession('Round 2');
    expect(second).toMatchObject({ name: 'Round 2', status: 'active', startTime: '2025-01-01T20:01:00.000Z', transactionCount: 0 });
    expect(second.id).not.toBe(first.id);
    expect(store.session(first.id)).toMatchObject({ status: 'completed', endTime: '2025-01-01T20:01:00.000Z', transactionCount: 1 });
    expect(game.state()).toMatchObject({ sessionId: second.id, scores: [], recentTransactions: [] });
    // The token was claimed in the previous session only.
    expect(submit(game, { tokenId: 'tok001', teamId: 'team-2', scannerId: 'GM_A' }).transaction).toMatchObject({
      status: 'accepted',
      sessionId: second.id,
    });
  });

  it('startSession from a paused session completes it too', () => {
    const { game, store } = boot();
    const first = game.start();
    game.setSessionStatus('paused');
    game.startSession();
    expect(store.session(first.id)?.status).toBe('completed');
    expect(store.currentSession()?.id).toBe(game.session?.id);
  });

  it('lists sessions newest first with their counts', () => {
    const { game } = boot();
    const first = game.start();
    submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    submit(game, { tokenId: 'tok001', teamId: 'team-2', scannerId: 'GM_A' });
    recordScan(game, 'tok002', 'player-1');
    tick(60_000);
    const second = game.startSession('Round 2');
    submit(game, { tokenId: 'tok003', teamId: 'team-1', scannerId: 'GM_A' });
    submit(game, { tokenId: 'missing', teamId: 'team-1', scannerId: 'GM_A' });
    submit(game, { tokenId: 'TOK004', teamId: 'team-2', scannerId: 'GM_A' });

    expect(game.sessions().map((s) => [s.id, s.status, s.transactionCount, s.acceptedCount, s.playerScanCount])).toEqual([
      [second.id, 'active', 3, 2, 0],
      [first.id, 'completed', 2, 1, 1],
    ]);
    expect(game.session).toMatchObject({ transactionCount: 3, acceptedCount: 2, playerScanCount: 0 });
  });

  it('gives a session record with its log, player scans and the scores derived from it', () => {
    const { game } = boot();
    const first = game.start();
    const a = submit(game, { tokenId: 'pair01', teamId: 'team-1', scannerId: 'GM_A' }).transaction;
    const b = submit(game, { tokenId: 'pair02', teamId: 'team-1', scannerId: 'GM_A' }).transaction;
    const scan = recordScan(game, 'pair01', 'player-1');
    const live = game.sessionRecord(first.id);
    expect(live).toEqual({
      session: { ...first, transactionCount: 2, acceptedCount: 2, playerScanCount: 1 },
      scores: game.state().scores,
      teams: game.state().teams,
      transactions: [a, b],
      corrections: [],
      playerScans: [scan],
    });
    expect(live.scores[0]).toMatchObject({ currentScore: 350_000, bonusPoints: 175_000, completedGroups: ['Pair'] });

    game.startSession();
    expect(game.sessionRecord(first.id)).toMatchObject({
      session: { id: first.id, status: 'completed', transactionCount: 2 },
      scores: live.scores,
      transactions: [a, b],
    });
  });

  it('refuses the record of an unknown session', () => {
    const { game } = boot();
    game.start();
    expect(appError(() => game.sessionRecord('no-such-session')).code).toBe('SESSION_NOT_FOUND');
  });

  it('setting the status a session already has writes nothing', () => {
    const { game, store } = boot();
    const session = game.start();
    tick();
    expect(game.setSessionStatus('active')).toEqual(session);
    expect(store.session(session.id)).toMatchObject({ status: 'active' });
  });
});

describe('Game.recordPlayerScan', () => {
  it('logs a scan of a known token with the catalog spelling and whether it has a video', () => {
    const { game, store } = boot();
    const session = game.start();
    tick();
    const withVideo = recordScan(game, 'TOK002', 'player-1');
    expect(withVideo).toEqual({
      tokenId: 'tok002',
      deviceId: 'player-1',
      sessionId: session.id,
      timestamp: '2025-01-01T20:00:01.000Z',
      video: true,
    });
    expect(recordScan(game, 'tok001', 'player-1').video).toBe(false);
    expect(store.playerScans(session.id)).toHaveLength(2);
    expect(game.session?.playerScanCount).toBe(2);
    expect(game.state().scores).toEqual([]);
  });

  it('refuses an unknown token with an UnknownTokenError (INVALID_DATA naming the field)', () => {
    const { game, store } = boot();
    const session = game.start();
    const error = appError(() => recordScan(game, 'nope99', 'player-1'));
    expect(error.code).toBe('INVALID_DATA');
    expect(error).toBeInstanceOf(UnknownTokenError);
    expect(error.details).toEqual([{ field: 'tokenId', message: 'unknown token' }]);
    expect(store.playerScans(session.id)).toEqual([]);
  });

  it('logs a scan outside any session with a null session id', () => {
    const { game } = boot();
    game.start();
    game.setSessionStatus('completed');
    expect(recordScan(game, 'tok001', 'player-1').sessionId).toBeNull();
  });
});

describe('Game.stagePlayerScan: scans a device names, and stale ones', () => {
  const named = (game: Game, tokenId: string, deviceId: string, scanId: string, scannedAt?: string) =>
    game.stagePlayerScan(tokenId, deviceId, { scanId, ...(scannedAt === undefined ? {} : { scannedAt }) });

  it('records a scanId once: a repeat, staged or committed, is answered with the first scan', () => {
    const { game, store } = boot();
    const session = game.start();
    const first = named(game, 'tok002', 'player-1', 'scan-1', '2025-01-01T19:59:58.000Z');
    expect(first).toEqual({
      fresh: true,
      scan: {
        tokenId: 'tok002',
        deviceId: 'player-1',
        sessionId: session.id,
        timestamp: '2025-01-01T20:00:00.000Z',
        video: true,
        scanId: 'scan-1',
        scannedAt: '2025-01-01T19:59:58.000Z',
      },
    });
    // Before the commit (a duplicate in flight), and after it, whatever token the repeat names.
    expect(named(game, 'tok002', 'player-1', 'scan-1')).toEqual({ fresh: false, scan: first.scan });
    game.commitStaged();
    tick();
    expect(named(game, 'tok001', 'player-1', 'scan-1')).toEqual({ fresh: false, scan: first.scan });
    game.commitStaged();

    expect(store.playerScans(session.id)).toEqual([first.scan]);
    expect(game.session?.playerScanCount).toBe(1);
  });

  it('keys a scanId by its device: the same id from another device is another scan', () => {
    const { game, store } = boot();
    const session = game.start();
    expect(named(game, 'tok001', 'player-1', 'scan-1').fresh).toBe(true);
    expect(named(game, 'tok001', 'player-2', 'scan-1').fresh).toBe(true);
    expect(game.stagePlayerScan('tok001', 'player-1').fresh).toBe(true);
    expect(game.stagePlayerScan('tok001', 'player-1').fresh).toBe(true);
    game.commitStaged();
    expect(store.playerScans(session.id)).toHaveLength(4);
  });

  it('recognises a repeat after a restart, and in a later session', () => {
    const { game } = boot();
    game.start();
    const { scan } = named(game, 'tok002', 'player-1', 'scan-1');
    game.commitStaged();

    const after = restart().game;
    after.start();
    after.startSession('next');
    tick();
    expect(named(after, 'tok002', 'player-1', 'scan-1')).toEqual({ fresh: false, scan });
    after.commitStaged();
    expect(after.session?.playerScanCount).toBe(0);
  });

  it('records a scan made more than the stale limit before it arrived as stale, its clip not asked for', () => {
    const { game, store } = boot();
    const session = game.start();
    const stale = named(game, 'tok002', 'player-1', 'late', '2025-01-01T19:58:00.000Z').scan;
    expect(stale).toMatchObject({ tokenId: 'tok002', video: false, stale: true, scannedAt: '2025-01-01T19:58:00.000Z' });
    // 60 s is the limit itself, not past it; a clock ahead of the orchestrator's is not stale either.
    expect(named(game, 'tok002', 'player-1', 'limit', '2025-01-01T19:59:00.000Z').scan).not.toHaveProperty('stale');
    expect(named(game, 'tok002', 'player-1', 'ahead', '2025-01-01T20:05:00.000Z').scan.video).toBe(true);
    // Offsets are times like any other: 20:58:59 at +01:00 is 61 s ago.
    expect(named(game, 'tok002', 'player-1', 'offset', '2025-01-01T20:58:59.000+01:00').scan.stale).toBe(true);
    game.commitStaged();
    expect(store.playerScans(session.id).map((scan) => [scan.scanId, scan.stale === true, scan.video])).toEqual([
      ['late', true, false],
      ['limit', false, true],
      ['ahead', false, true],
      ['offset', true, false],
    ]);
    expect(game.session?.playerScanCount).toBe(4);
  });

  it('takes its stale limit from PLAYER_SCAN_STALE_S', () => {
    const { game } = boot(openStore(), { playerScanStaleMs: 5000 });
    game.start();
    expect(named(game, 'tok002', 'player-1', 'a', '2025-01-01T19:59:56.000Z').scan.stale).toBeUndefined();
    expect(named(game, 'tok002', 'player-1', 'b', '2025-01-01T19:59:54.000Z').scan.stale).toBe(true);
  });

  it('refuses an unknown token named by a scanId without keeping the id', () => {
    const { game } = boot();
    game.start();
    expect(appError(() => named(game, 'nope99', 'player-1', 'scan-1'))).toBeInstanceOf(UnknownTokenError);
    expect(named(game, 'tok001', 'player-1', 'scan-1').fresh).toBe(true);
  });
});

/** Counts the store's commits of transactions, so a test can see groups form. */
class CountingStore extends FailingStore {
  commits: number[] = [];
  override appendLog(batch: LogBatch): void {
    super.appendLog(batch);
    this.commits.push(batch.transactions.length);
  }
}

describe('group commit (stage, then commitStaged)', () => {
  it('judges staged submissions against each other and writes them in one commit', () => {
    const store = new CountingStore(openStore());
    const { game } = boot(store);
    const session = game.start();
    const first = game.stage({ tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    const second = game.stage({ tokenId: 'tok001', teamId: 'team-2', scannerId: 'GM_B' });
    const resent = game.stage({ tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    expect(second.transaction).toMatchObject({ status: 'duplicate', rejectionReason: 'already scanned by team team-1' });
    expect(resent).toEqual({ transaction: first.transaction, fresh: false });
    expect(store.transactions(session.id)).toHaveLength(0);

    expect(game.commitStaged().map((t) => t.id)).toEqual([first.transaction.id, second.transaction.id]);
    expect(store.commits).toEqual([2]);
    expect(store.transactions(session.id).map((t) => t.status)).toEqual(['accepted', 'duplicate']);
    expect(game.commitStaged()).toEqual([]);
    expect(store.commits).toEqual([2]);
  });

  it('forgets the whole group when its commit fails, as if it had never been submitted', () => {
    const store = new CountingStore(openStore());
    const { game } = boot(store);
    game.start();
    submit(game, { tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    const before = game.state();
    tick();
    game.stage({ tokenId: 'tok002', teamId: 'team-2', scannerId: 'GM_B' });
    game.stage({ tokenId: 'tok003', teamId: 'team-2', scannerId: 'GM_B' });
    expect(game.state().scores).not.toEqual(before.scores);
    store.failWrites = true;
    expect(() => game.commitStaged()).toThrow('disk full');
    expect(game.state()).toEqual(before);
    store.failWrites = false;
    expect(submit(game, { tokenId: 'tok002', teamId: 'team-3', scannerId: 'GM_C' }).transaction.status).toBe('accepted');
  });

  it('commits what is staged before the session changes', () => {
    const store = new CountingStore(openStore());
    const { game } = boot(store);
    const first = game.start();
    game.stage({ tokenId: 'tok001', teamId: 'team-1', scannerId: 'GM_A' });
    game.startSession('Next');
    expect(store.transactions(first.id)).toHaveLength(1);
    expect(store.commits).toEqual([1]);
  });
});

describe('teams', () => {
  it('registers a team once, without case: the first spelling is its id and a submission naming it goes to it', () => {
    const { game, store } = boot();
    const session = game.start();
    expect(game.registerTeam('  Red   Herrings ')).toMatchObject({ created: true, team: { teamId: 'Red Herrings', name: 'Red Herrings' } });
    expect(game.registerTeam('red herrings')).toMatchObject({ created: false, team: { teamId: 'Red Herrings' } });
    expect(submit(game, { tokenId: 'tok001', teamId: 'RED HERRINGS', scannerId: 'GM_A' }).transaction.teamId).toBe('Red Herrings');
    expect(game.teams().map((t) => t.teamId)).toEqual(['Red Herrings']);
    expect(store.teams(session.id).map((t) => t.teamId)).toEqual(['Red Herrings']);
    // A registered team with no points is on the board.
    game.registerTeam('Blue');
    expect(game.state().scores.map((s) => [s.teamId, s.currentScore])).toEqual([
      ['Red Herrings', 10_000],
      ['Blue', 0],
    ]);
  });

  it('registers a new team from an accepted or duplicate scan, never from an unknown token', () => {
    const { game } = boot();
    game.start();
    submit(game, { tokenId: 'nope', teamId: 'Ghosts', scannerId: 'GM_A' });
    submit(game, { tokenId: 'tok001', teamId: 'Red', scannerId: 'GM_A' });
    submit(game, { tokenId: 'tok001', teamId: 'Green', scannerId: 'GM_A' });
    expect(game.teams().map((t) => t.teamId)).toEqual(['Red', 'Green']);
  });

  it('refuses a team past the limit with TEAM_LIMIT', () => {
    const { game } = boot(openStore(), { maxTeams: 2 });
    game.start();
    game.registerTeam('A');
    game.registerTeam('B');
    expect(appError(() => game.registerTeam('C')).code).toBe('TEAM_LIMIT');
    expect(game.registerTeam('a').created).toBe(false);
    expect(appError(() => game.stage({ tokenId: 'tok001', teamId: 'C', scannerId: 'GM_A' })).code).toBe('TEAM_LIMIT');
    // An unknown token registers nothing, so it is recorded (rejected) rather than refused.
    expect(submit(game, { tokenId: 'nope', teamId: 'C', scannerId: 'GM_A' }).transaction.status).toBe('rejected');
    expect(game.teams().map((t) => t.teamId)).toEqual(['A', 'B']);
  });

  it('renames a team under its id, refusing a name another team has; both survive a restart', () => {
    const { game } = boot();
    const session = game.start();
    game.registerTeam('Red');
    game.registerTeam('Blue');
    expect(game.renameTeam('Red', 'Red Herrings', { admin: true })).toMatchObject({ teamId: 'Red', name: 'Red Herrings' });
    expect(appError(() => game.renameTeam('Red', 'BLUE', { admin: true })).code).toBe('CONFLICT');
    expect(appError(() => game.renameTeam('Nobody', 'Green', { admin: true })).code).toBe('NOT_FOUND');
    const { game: restarted } = restart();
    restarted.start();
    expect(restarted.teams()).toEqual([expect.objectContaining({ teamId: 'Red', name: 'Red Herrings' }), expect.objectContaining({ teamId: 'Blue' })]);
    expect(restarted.sessionRecord(session.id).corrections).toEqual([
      expect.objectContaining({ kind: 'rename', teamId: 'Red', name: 'Red Herrings', previousName: 'Red', by: 'admin' }),
    ]);
  });

  it('starts each session with no teams', () => {
    const { game } = boot();
    game.start();
    game.registerTeam('Red');
    game.startSession('Next');
    expect(game.state().teams).toEqual([]);
    expect(game.state().scores).toEqual([]);
  });
});

describe('corrections', () => {
  function wrongTeamScan() {
    const booted = boot();
    const session = booted.game.start();
    booted.game.registerTeam('Red');
    booted.game.registerTeam('Blue');
    tick();
    const wrong = submit(booted.game, { tokenId: 'pair01', teamId: 'Red', scannerId: 'GM_A' }).transaction;
    tick();
    return { ...booted, session, wrong };
  }

  it('voids a transaction: it stops counting and its token can be scanned for the right team (accepted)', () => {
    const { game, store, session, wrong } = wrongTeamScan();
    const voided = game.voidTransaction(wrong.id, 'wrong team', { admin: true });
    expect(voided).toMatchObject({ id: wrong.id, voided: { reason: 'wrong team', by: 'admin', at: '2025-01-01T20:00:02.000Z' } });
    expect(game.state().scores.find((s) => s.teamId === 'Red')?.currentScore).toBe(0);
    tick();
    expect(submit(game, { tokenId: 'pair01', teamId: 'Blue', scannerId: 'GM_A' }).transaction).toMatchObject({ status: 'accepted', points: 50_000 });
    // The same station's same submission as before the void is judged anew, not answered with the voided one.
    expect(submit(game, { tokenId: 'pair01', teamId: 'Red', scannerId: 'GM_A' }).transaction.status).toBe('duplicate');
    expect(store.corrections(session.id)).toEqual([expect.objectContaining({ kind: 'void', transactionId: wrong.id, position: 1 })]);
    // The log itself is never edited.
    expect(store.transactions(session.id)[0]).toEqual(wrong);
  });

  it('refuses to void twice, a transaction that never counted, or an unknown one, and changes nothing', () => {
    const { game, store, session, wrong } = wrongTeamScan();
    const duplicate = submit(game, { tokenId: 'pair01', teamId: 'Blue', scannerId: 'GM_A' }).transaction;
    game.voidTransaction(wrong.id, 'wrong team', { admin: true });
    const before = JSON.stringify({ state: game.state(), corrections: store.corrections(session.id) });
    expect(appError(() => game.voidTransaction(wrong.id, 'again', { admin: true })).code).toBe('CONFLICT');
    expect(appError(() => game.voidTransaction(duplicate.id, 'no', { admin: true })).code).toBe('CONFLICT');
    expect(appError(() => game.voidTransaction('no-such', 'no', { admin: true })).code).toBe('NOT_FOUND');
    expect(JSON.stringify({ state: game.state(), corrections: store.corrections(session.id) })).toBe(before);
  });

  it("lets a station void only its own transactions of the current session", () => {
    const { game, wrong } = wrongTeamScan();
    expect(appError(() => game.voidTransaction(wrong.id, 'not mine', { stationId: 'GM_B' })).code).toBe('FORBIDDEN');
    expect(game.voidTransaction(wrong.id, 'undone', { stationId: 'GM_A' }).voided?.by).toBe('GM_A');
    const old = submit(game, { tokenId: 'tok001', teamId: 'Red', scannerId: 'GM_A' }).transaction;
    game.startSession('Next');
    expect(appError(() => game.voidTransaction(old.id, 'too late', { stationId: 'GM_A' })).code).toBe('NOT_FOUND');
  });

  it('reassigns a transaction in one commit, breaking the group for the wrong team and completing it for the right one', () => {
    const { game, store, session, wrong } = wrongTeamScan();
    const pair02 = submit(game, { tokenId: 'pair02', teamId: 'Red', scannerId: 'GM_A' }).transaction;
    expect(pair02.groupCompleted).toEqual({ group: 'Pair', bonusPoints: 175_000 });
    expect(game.state().scores[0]).toMatchObject({ teamId: 'Red', currentScore: 350_000, completedGroups: ['Pair'] });

    game.reassignTransaction(wrong.id, 'Blue', 'wrong team', { admin: true });
    const { voided, transaction } = game.reassignTransaction(pair02.id, 'blue', 'wrong team', { admin: true });
    expect(voided.voided?.reason).toBe('wrong team');
    expect(transaction).toMatchObject({ teamId: 'Blue', tokenId: 'pair02', status: 'accepted', scannerId: 'GM_A', groupCompleted: { group: 'Pair' } });
    const score = (teamId: string) => game.state().scores.find((s) => s.teamId === teamId);
    expect(score('Red')).toMatchObject({ currentScore: 0, completedGroups: [] });
    expect(score('Blue')).toMatchObject({ currentScore: 350_000, completedGroups: ['Pair'] });
    expect(store.corrections(session.id).at(-1)).toMatchObject({ kind: 'reassign', transactionId: pair02.id, newTransactionId: transaction.id, teamId: 'Blue' });
    expect(appError(() => game.reassignTransaction(transaction.id, 'Blue', 'same', { admin: true })).code).toBe('CONFLICT');
    expect(appError(() => game.reassignTransaction(transaction.id, 'Nobody', 'unknown', { admin: true })).code).toBe('NOT_FOUND');
  });

  it('adjusts a registered team by signed points, and keeps every correction across a restart', () => {
    const { game, session, wrong } = wrongTeamScan();
    const { correction, score } = game.adjustScore('red', -75_000, 'penalty', { admin: true });
    expect(correction).toMatchObject({ kind: 'adjust', teamId: 'Red', points: -75_000, reason: 'penalty', by: 'admin' });
    expect(score).toMatchObject({ teamId: 'Red', currentScore: 50_000 - 75_000, adjustmentPoints: -75_000 });
    expect(appError(() => game.adjustScore('Nobody', 5, 'x', { admin: true })).code).toBe('NOT_FOUND');
    game.reassignTransaction(wrong.id, 'Blue', 'wrong team', { admin: true });
    const before = game.state();

    const { game: restarted } = restart();
    restarted.start();
    const after = restarted.state();
    expect(after.scores).toEqual(before.scores);
    expect(after.teams).toEqual(before.teams);
    expect(after.recentTransactions).toEqual(before.recentTransactions);
    const record = restarted.sessionRecord(session.id);
    expect(record.corrections.map((c) => c.kind)).toEqual(['adjust', 'reassign']);
    expect(record.transactions.map((t) => [t.teamId, t.voided?.reason ?? null])).toEqual([
      ['Red', 'wrong team'],
      ['Blue', null],
    ]);
  });

  it('lists staff clock corrections in the audit trail', () => {
    const { game, session } = wrongTeamScan();
    game.correctClock({ plannedMinutes: 90, adjustSeconds: -60 }, 'admin');
    expect(game.sessionRecord(session.id).corrections).toEqual([
      expect.objectContaining({ kind: 'clock', by: 'admin', plannedMinutes: 90 }),
      expect.objectContaining({ kind: 'clock', by: 'admin', adjustSeconds: -60 }),
    ]);
  });

  it('leaves the game as the store has it when a correction cannot be written', () => {
    const store = new FailingStore(openStore());
    const { game } = boot(store);
    game.start();
    const wrong = submit(game, { tokenId: 'tok001', teamId: 'Red', scannerId: 'GM_A' }).transaction;
    const before = game.state();
    store.failWrites = true;
    expect(() => game.voidTransaction(wrong.id, 'wrong', { admin: true })).toThrow('disk full');
    expect(() => game.adjustScore('Red', 5, 'x', { admin: true })).toThrow('disk full');
    expect(() => game.registerTeam('Blue')).toThrow('disk full');
    expect(game.state()).toEqual({ ...before, lastUpdate: game.state().lastUpdate });
  });
});
