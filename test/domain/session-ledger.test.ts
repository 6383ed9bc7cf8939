import { describe, expect, it } from 'vitest';
import type { Correction, Team, Transaction, TransactionStatus } from '../../src/contract/index.js';
import { PAUSED_REASON, SessionLedger } from '../../src/domain/session-ledger.js';
import type { StoredCorrection } from '../../src/ports/store.js';
import { fixtureCatalog } from '../support/fixtures.js';

const catalog = fixtureCatalog();
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 20, minute)).toISOString();

let seq = 0;
function tx(teamId: string, tokenId: string, status: TransactionStatus = 'accepted', scannerId = 'GM_A'): Transaction {
  seq += 1;
  return {
    id: `tx-${seq}`,
    tokenId,
    teamId,
    scannerId,
    sessionId: 's1',
    timestamp: at(seq),
    status,
    ...(status === 'accepted' ? {} : { rejectionReason: status === 'rejected' ? PAUSED_REASON : 'already scanned' }),
    points: status === 'accepted' ? (catalog.get(tokenId)?.value ?? 0) : 0,
  };
}

function correction(change: Omit<Correction, 'id' | 'sessionId' | 'at' | 'by'>, position: number): StoredCorrection {
  seq += 1;
  return { id: `c-${seq}`, sessionId: 's1', at: at(seq), by: 'admin', position, ...change };
}

const team = (teamId: string, name = teamId): Team => ({ teamId, name, createdAt: at(0) });

describe('SessionLedger', () => {
  it('frees a voided token: the next scan of it is judged afresh and a resubmission is not answered with the old one', () => {
    const ledger = new SessionLedger(catalog, 10);
    const wrong = ledger.record(tx('Red', 'pair01'));
    ledger.record(tx('Blue', 'pair01', 'duplicate'));
    expect(ledger.holderOf('PAIR01')?.id).toBe(wrong.id);
    expect(ledger.previousAnswer('GM_A', 'pair01', 'Blue')?.status).toBe('duplicate');

    const voided = ledger.correct(correction({ kind: 'void', transactionId: wrong.id, reason: 'wrong team' }, 2));
    expect(voided).toMatchObject({ id: wrong.id, voided: { reason: 'wrong team', by: 'admin' } });
    expect(ledger.holderOf('pair01')).toBeUndefined();
    expect(ledger.previousAnswer('GM_A', 'pair01', 'Blue')).toBeUndefined();
    expect(ledger.standingTransaction(wrong.id)).toBeUndefined();
    expect(ledger.voidOf(wrong.id)?.reason).toBe('wrong team');
    expect(ledger.latest(10).find((t) => t.id === wrong.id)?.voided).toBeDefined();
    expect(ledger.scores().map((s) => [s.teamId, s.currentScore])).toEqual([
      ['Blue', 0],
      ['Red', 0],
    ]);
  });

  it('replays teams, transactions and corrections in the order they were made, to the live result', () => {
    const live = new SessionLedger(catalog, 10);
    const log: Transaction[] = [];
    const corrections: StoredCorrection[] = [];
    const teams = [team('Red'), team('Blue')];
    for (const t of teams) live.addTeam(t);
    const record = (transaction: Transaction) => {
      log.push(transaction);
      return live.record(transaction);
    };
    const correct = (change: Omit<Correction, 'id' | 'sessionId' | 'at' | 'by'>) => {
      const stored = correction(change, live.transactionCount);
      corrections.push(stored);
      return live.correct(stored);
    };
    const first = record(tx('Red', 'pair01'));
    record(tx('Red', 'pair02'));
    correct({ kind: 'void', transactionId: first.id, reason: 'wrong team' });
    // Scanned again for the right team after the void: accepted, and it completes nothing yet.
    record(tx('Blue', 'pair01'));
    correct({ kind: 'adjust', teamId: 'Blue', points: -5000, reason: 'penalty' });
    correct({ kind: 'rename', teamId: 'Red', name: 'Red Herrings', previousName: 'Red' });

    const { ledger, transactions } = SessionLedger.replay(catalog, 10, { teams, transactions: log, corrections });
    expect(ledger.scores()).toEqual(live.scores());
    expect(ledger.teams()).toEqual(live.teams());
    expect(ledger.latest(10)).toEqual(live.latest(10));
    expect(transactions.map((t) => [t.teamId, t.tokenId, t.voided?.reason ?? null])).toEqual([
      ['Red', 'pair01', 'wrong team'],
      ['Red', 'pair02', null],
      ['Blue', 'pair01', null],
    ]);
    expect(ledger.scores().find((s) => s.teamId === 'Red')).toMatchObject({ name: 'Red Herrings', currentScore: 125_000, completedGroups: [] });
    expect(ledger.scores().find((s) => s.teamId === 'Blue')).toMatchObject({ currentScore: 50_000 - 5000, adjustmentPoints: -5000 });
  });

  it('recomputes a group both ways when a member is reassigned', () => {
    const ledger = new SessionLedger(catalog, 10);
    ledger.addTeam(team('Red'));
    ledger.addTeam(team('Blue'));
    ledger.record(tx('Blue', 'pair01'));
    const wrong = ledger.record(tx('Red', 'pair02'));
    ledger.correct(correction({ kind: 'reassign', transactionId: wrong.id, teamId: 'Blue', newTransactionId: 'new', reason: 'wrong team' }, 2));
    const right = ledger.record({ ...tx('Blue', 'pair02'), id: 'new' });
    expect(right.groupCompleted).toEqual({ group: 'Pair', bonusPoints: 175_000 });
    expect(ledger.score('Blue')).toMatchObject({ currentScore: 350_000, completedGroups: ['Pair'] });
    expect(ledger.score('Red')).toMatchObject({ currentScore: 0, completedGroups: [] });
  });

  it('registers a team from an accepted or duplicate scan of a log kept before teams were, never from a rejection', () => {
    const { ledger } = SessionLedger.replay(catalog, 10, {
      teams: [],
      transactions: [tx('Red', 'tok001'), tx('Green', 'tok001', 'duplicate'), tx('Ghost', 'nope', 'rejected')],
      corrections: [],
    });
    expect(ledger.teams().map((t) => t.teamId)).toEqual(['Red', 'Green']);
  });

  it('judges a scan refused while paused anew: it is not a final answer', () => {
    const ledger = new SessionLedger(catalog, 10);
    ledger.record(tx('Red', 'tok001', 'rejected'));
    expect(ledger.previousAnswer('GM_A', 'tok001', 'Red')).toBeUndefined();
  });

  it('replays a rename whose old name another team took later, keeping both teams findable', () => {
    // "X" renamed to "Y", then "x" registered: replayed as teams first, then the rename.
    const { ledger } = SessionLedger.replay(catalog, 10, {
      teams: [team('X'), team('x')],
      transactions: [],
      corrections: [correction({ kind: 'rename', teamId: 'X', name: 'Y', previousName: 'X' }, 0)],
    });
    expect(ledger.roster.find('y')?.teamId).toBe('X');
    expect(ledger.roster.find('x')?.teamId).toBe('x');
  });
});
