import { describe, expect, it } from 'vitest';
import type { TokenEntry, Transaction, TransactionStatus } from '../../src/contract/index.js';
import { ScoreBoard } from '../../src/domain/score-board.js';
import { defaultScoringRules } from '../../src/domain/scoring.js';
import { TokenCatalog } from '../../src/domain/token-catalog.js';

function entry(rating: number, memoryType: string, group = ''): TokenEntry {
  return { SF_RFID: 'x', SF_ValueRating: rating, SF_MemoryType: memoryType, SF_Group: group };
}

// Values: single 10 000; trio 10 000 + 25 000 + 150 000 (bonus 370 000); pair 50 000 + 125 000 (bonus 175 000).
const catalog = new TokenCatalog(
  {
    single: entry(1, 'Personal'),
    grp1: entry(1, 'Personal', 'Trio (x3)'),
    grp2: entry(2, 'Personal', 'Trio (x3)'),
    GRP3: entry(3, 'Business', 'Trio (x3)'),
    pair1: entry(1, 'Technical', 'Pair (x2)'),
    pair2: entry(2, 'Technical', 'Pair (x2)'),
  },
  defaultScoringRules,
);

let seq = 0;
function tx(teamId: string, tokenId: string, status: TransactionStatus = 'accepted', minute = 0): Transaction {
  seq += 1;
  const points = status === 'accepted' ? (catalog.get(tokenId)?.value ?? 0) : 0;
  return {
    id: `tx-${seq}`,
    tokenId,
    teamId,
    scannerId: 'GM_A',
    sessionId: 's1',
    timestamp: new Date(Date.UTC(2025, 0, 1, 20, minute)).toISOString(),
    status,
    ...(status === 'accepted' ? {} : { rejectionReason: 'because' }),
    points,
  };
}

function boardFromLog(log: readonly Transaction[]): ScoreBoard {
  const board = new ScoreBoard(catalog);
  for (const transaction of log) board.apply(transaction);
  return board;
}

function scoreOf(board: ScoreBoard, teamId: string) {
  const score = board.scores().find((s) => s.teamId === teamId);
  if (!score) throw new Error(`no score for ${teamId}`);
  return score;
}

describe('ScoreBoard', () => {
  it('starts empty', () => {
    expect(new ScoreBoard(catalog).scores()).toEqual([]);
  });

  it('adds the points of accepted transactions', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'single', 'accepted', 1));
    board.apply(tx('team-1', 'grp1', 'accepted', 2));
    expect(board.scores()).toEqual([
      {
        teamId: 'team-1',
        name: 'team-1',
        currentScore: 20_000,
        tokensScanned: 2,
        bonusPoints: 0,
        adjustmentPoints: 0,
        completedGroups: [],
        lastUpdate: '2025-01-01T20:02:00.000Z',
      },
    ]);
  });

  it('never creates a team from a duplicate or a rejection; they touch an existing team at 0 points', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'single'));
    board.apply(tx('team-2', 'single', 'duplicate', 3));
    board.apply(tx('team-3', 'unknown', 'rejected'));
    expect(board.scores().map((s) => s.teamId)).toEqual(['team-1']);
    expect(board.teamCount()).toBe(1);
    board.apply(tx('team-1', 'unknown', 'rejected', 4));
    expect(scoreOf(board, 'team-1')).toMatchObject({ currentScore: 10_000, tokensScanned: 1, lastUpdate: '2025-01-01T20:04:00.000Z' });
  });

  it('does not count a duplicate towards a group', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'pair1'));
    board.apply(tx('team-1', 'pair2', 'duplicate'));
    expect(scoreOf(board, 'team-1')).toMatchObject({ currentScore: 50_000, bonusPoints: 0, completedGroups: [] });
  });

  it('pays the group bonus to the team holding every member', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'grp1'));
    board.apply(tx('team-1', 'grp2'));
    expect(scoreOf(board, 'team-1')).toMatchObject({ bonusPoints: 0, completedGroups: [] });
    board.apply(tx('team-1', 'grp3'));
    expect(scoreOf(board, 'team-1')).toMatchObject({
      currentScore: 185_000 + 370_000,
      tokensScanned: 3,
      bonusPoints: 370_000,
      completedGroups: ['Trio'],
    });
  });

  it('matches group members whatever the case of the scanned id', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'GRP1'));
    board.apply(tx('team-1', 'Grp2'));
    board.apply(tx('team-1', 'grp3'));
    expect(scoreOf(board, 'team-1').completedGroups).toEqual(['Trio']);
  });

  it('pays no bonus when the members are split between teams', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'pair1'));
    board.apply(tx('team-2', 'pair2'));
    for (const team of ['team-1', 'team-2']) expect(scoreOf(board, team)).toMatchObject({ bonusPoints: 0, completedGroups: [] });
  });

  it('pays a group bonus once even if a member is counted again', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'pair1'));
    board.apply(tx('team-1', 'pair2'));
    board.apply(tx('team-1', 'pair2'));
    const score = scoreOf(board, 'team-1');
    expect(score.bonusPoints).toBe(175_000);
    expect(score.completedGroups).toEqual(['Pair']);
    expect(score.tokensScanned).toBe(2);
  });

  it('lists every completed group in completion order', () => {
    const board = new ScoreBoard(catalog);
    for (const id of ['grp1', 'pair1', 'pair2', 'grp2', 'grp3']) board.apply(tx('team-1', id));
    expect(scoreOf(board, 'team-1')).toMatchObject({ bonusPoints: 175_000 + 370_000, completedGroups: ['Pair', 'Trio'] });
  });

  it('orders teams by score, highest first, ties by team id', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-b', 'single'));
    board.apply(tx('team-c', 'pair1'));
    board.apply(tx('team-a', 'grp1'));
    expect(board.scores().map((s) => [s.teamId, s.currentScore])).toEqual([
      ['team-c', 50_000],
      ['team-a', 10_000],
      ['team-b', 10_000],
    ]);
  });

  it('rebuilt from the log equals the board built incrementally', () => {
    const log = [
      tx('team-1', 'grp1', 'accepted', 1),
      tx('team-2', 'grp1', 'duplicate', 2),
      tx('team-2', 'pair1', 'accepted', 3),
      tx('team-1', 'grp2', 'accepted', 4),
      tx('team-3', 'bogus', 'rejected', 5),
      tx('team-2', 'pair2', 'accepted', 6),
      tx('team-1', 'GRP3', 'accepted', 7),
    ];
    const incremental = new ScoreBoard(catalog);
    const snapshots = log.map((transaction) => {
      incremental.apply(transaction);
      return incremental.scores();
    });
    expect(boardFromLog(log).scores()).toEqual(incremental.scores());
    expect(boardFromLog(log.slice(0, 4)).scores()).toEqual(snapshots[3]);
    expect(incremental.scores().map((s) => [s.teamId, s.currentScore])).toEqual([
      ['team-1', 185_000 + 370_000],
      ['team-2', 175_000 + 175_000],
    ]);
  });

  it('returns copies that later transactions do not change', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'pair1'));
    const before = board.scores();
    board.apply(tx('team-1', 'pair2'));
    expect(before[0]).toMatchObject({ currentScore: 50_000, completedGroups: [] });
  });

  it('answers the group a scan completed, with its bonus', () => {
    const board = new ScoreBoard(catalog);
    expect(board.apply(tx('team-1', 'pair1'))).toBeUndefined();
    expect(board.apply(tx('team-1', 'pair2'))).toEqual({ group: 'Pair', bonusPoints: 175_000 });
  });

  it('takes back a voided scan and the group it broke, and completes the group for the team that gets it', () => {
    const board = new ScoreBoard(catalog);
    const first = tx('team-1', 'pair1');
    board.apply(first);
    const second = tx('team-1', 'pair2');
    board.apply(second);
    expect(scoreOf(board, 'team-1')).toMatchObject({ currentScore: 350_000, bonusPoints: 175_000, completedGroups: ['Pair'] });

    board.remove(second, '2025-01-01T21:00:00.000Z');
    expect(scoreOf(board, 'team-1')).toMatchObject({
      currentScore: 50_000,
      tokensScanned: 1,
      bonusPoints: 0,
      completedGroups: [],
      lastUpdate: '2025-01-01T21:00:00.000Z',
    });

    // Both members reassigned to team-2: the group completes there.
    board.remove(first, '2025-01-01T21:01:00.000Z');
    board.apply(tx('team-2', 'pair1'));
    expect(board.apply(tx('team-2', 'pair2'))).toEqual({ group: 'Pair', bonusPoints: 175_000 });
    expect(scoreOf(board, 'team-1')).toMatchObject({ currentScore: 0, tokensScanned: 0 });
    expect(scoreOf(board, 'team-2')).toMatchObject({ currentScore: 350_000, completedGroups: ['Pair'] });
  });

  it('adds signed adjustments to the score, apart from bonuses', () => {
    const board = new ScoreBoard(catalog);
    board.apply(tx('team-1', 'single'));
    board.adjust('team-1', -75_000, '2025-01-01T21:00:00.000Z');
    board.adjust('team-1', 5_000, '2025-01-01T21:01:00.000Z');
    expect(scoreOf(board, 'team-1')).toMatchObject({ currentScore: 10_000 - 70_000, adjustmentPoints: -70_000, bonusPoints: 0 });
  });

  it('lists a registered team with 0 points under its name, and its new name once renamed', () => {
    const board = new ScoreBoard(catalog);
    board.addTeam('Red Herrings', 'Red Herrings', '2025-01-01T20:00:00.000Z');
    board.rename('Red Herrings', 'The Red Herrings');
    expect(board.scores()).toEqual([expect.objectContaining({ teamId: 'Red Herrings', name: 'The Red Herrings', currentScore: 0 })]);
  });
});
