import { describe, expect, it } from 'vitest';
import type { PlayerScan, Transaction } from '../../../src/contract/index.js';
import type { SessionRecord } from '../../../src/ports/store.js';
import { storeFolderPerTest } from '../../support/store-files.js';

const folder = storeFolderPerTest('sqlite-store-test-', 'data/orchestrator.db');
const openStore = (file?: string) => folder.open(file);

function session(id: string, minute: number, status: SessionRecord['status'] = 'active'): SessionRecord {
  return { id, name: `Session ${id}`, startTime: new Date(Date.UTC(2025, 0, 1, 20, minute)).toISOString(), status };
}

function transaction(id: string, sessionId: string, overrides: Partial<Transaction> = {}): Transaction {
  return {
    id,
    tokenId: 'tok001',
    teamId: 'team-1',
    scannerId: 'GM_A',
    sessionId,
    timestamp: '2025-01-01T20:05:00.000Z',
    status: 'accepted',
    points: 10_000,
    ...overrides,
  };
}

function scan(sessionId: string | null, overrides: Partial<PlayerScan> = {}): PlayerScan {
  return { tokenId: 'tok002', deviceId: 'player-1', sessionId, timestamp: '2025-01-01T20:06:00.000Z', video: true, ...overrides };
}

describe('SqliteStore sessions', () => {
  it('has no current session when empty', () => {
    const store = openStore();
    expect(store.currentSession()).toBeUndefined();
    expect(store.sessions()).toEqual([]);
    expect(store.session('s1')).toBeUndefined();
  });

  it('round-trips a session, with and without an end time', () => {
    const store = openStore();
    const first = session('s1', 0);
    store.switchSession(undefined, first);
    expect(store.currentSession()).toEqual(first);
    expect(store.currentSession()).not.toHaveProperty('endTime');

    const ended = { ...first, status: 'completed' as const, endTime: '2025-01-01T21:00:00.000Z' };
    store.switchSession(ended, session('s2', 60));
    expect(store.session('s1')).toEqual({ ...ended, transactionCount: 0, acceptedCount: 0, playerScanCount: 0 });
    expect(store.currentSession()?.id).toBe('s2');
  });

  it('gives the newest session that is not completed', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0, 'completed'));
    store.switchSession(undefined, session('s2', 10, 'paused'));
    expect(store.currentSession()?.id).toBe('s2');
    store.updateSession({ ...session('s2', 10), status: 'completed', endTime: '2025-01-01T20:30:00.000Z' });
    expect(store.currentSession()).toBeUndefined();
  });

  it('updates name, status and end time, and can clear the end time', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    store.updateSession({ ...session('s1', 0), name: 'Renamed', status: 'completed', endTime: '2025-01-01T22:00:00.000Z' });
    expect(store.session('s1')).toMatchObject({ name: 'Renamed', status: 'completed', endTime: '2025-01-01T22:00:00.000Z' });
    store.updateSession({ ...session('s1', 0), status: 'active' });
    expect(store.session('s1')).not.toHaveProperty('endTime');
  });

  it('switches sessions atomically: a failed start leaves the old session as it was', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    const ended = { ...session('s1', 0), status: 'completed' as const, endTime: '2025-01-01T21:00:00.000Z' };
    expect(() => store.switchSession(ended, session('s1', 60))).toThrow();
    expect(store.session('s1')).toMatchObject({ status: 'active' });
    expect(store.session('s1')).not.toHaveProperty('endTime');
    expect(store.sessions()).toHaveLength(1);
  });

  it('lists sessions newest first with their counts', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    store.appendTransaction(transaction('t1', 's1'));
    store.appendTransaction(transaction('t2', 's1', { status: 'duplicate', teamId: 'team-2', rejectionReason: 'taken', points: 0 }));
    store.appendTransaction(transaction('t3', 's1', { tokenId: 'nope', status: 'rejected', rejectionReason: 'unknown token', points: 0 }));
    store.appendPlayerScan(scan('s1'));
    store.switchSession({ ...session('s1', 0), status: 'completed', endTime: '2025-01-01T20:30:00.000Z' }, session('s2', 30));
    store.appendTransaction(transaction('t4', 's2'));
    store.appendPlayerScan(scan('s2'));
    store.appendPlayerScan(scan('s2'));
    store.appendPlayerScan(scan(null));

    expect(store.sessions().map((s) => [s.id, s.status, s.transactionCount, s.acceptedCount, s.playerScanCount])).toEqual([
      ['s2', 'active', 1, 1, 2],
      ['s1', 'completed', 3, 1, 1],
    ]);
    expect(store.session('s1')).toMatchObject({ transactionCount: 3, acceptedCount: 1, playerScanCount: 1 });
  });

  it('orders sessions started at the same instant by insertion, newest first', () => {
    const store = openStore();
    store.switchSession(undefined, session('b', 0, 'completed'));
    store.switchSession(undefined, session('a', 0));
    expect(store.sessions().map((s) => s.id)).toEqual(['a', 'b']);
    expect(store.currentSession()?.id).toBe('a');
  });
});

describe('SqliteStore transactions', () => {
  it('gives a session its transactions in commit order, not by timestamp or id', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    const log = [
      transaction('zz', 's1', { timestamp: '2025-01-01T20:09:00.000Z' }),
      transaction('aa', 's1', { timestamp: '2025-01-01T20:01:00.000Z', tokenId: 'tok002', points: 75_000 }),
      transaction('mm', 's1', { timestamp: '2025-01-01T20:05:00.000Z', status: 'duplicate', rejectionReason: 'already scanned by team team-1', points: 0 }),
    ];
    for (const t of log) store.appendTransaction(t);
    expect(store.transactions('s1')).toEqual(log);
  });

  it('round-trips the optional rejection reason as absent, not null', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    store.appendTransaction(transaction('t1', 's1'));
    store.appendTransaction(transaction('t2', 's1', { status: 'rejected', rejectionReason: 'session is paused', points: 0 }));
    const [accepted, rejected] = store.transactions('s1');
    expect(accepted).not.toHaveProperty('rejectionReason');
    expect(rejected?.rejectionReason).toBe('session is paused');
  });

  it('appends a group of transactions in one commit: all in order, or none when one fails', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    const group = [transaction('g1', 's1'), transaction('g2', 's1', { tokenId: 'tok002' }), transaction('g3', 's1', { tokenId: 'tok003' })];
    store.appendLog({ transactions: group, playerScans: [] });
    expect(store.transactions('s1')).toEqual(group);
    expect(() => store.appendLog({ transactions: [transaction('g4', 's1'), transaction('g1', 's1')], playerScans: [] })).toThrow();
    expect(store.transactions('s1')).toEqual(group);
  });

  it('keeps each session its own log', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    store.switchSession(undefined, session('s2', 1));
    store.appendTransaction(transaction('t1', 's1'));
    store.appendTransaction(transaction('t2', 's2'));
    expect(store.transactions('s1').map((t) => t.id)).toEqual(['t1']);
    expect(store.transactions('s2').map((t) => t.id)).toEqual(['t2']);
    expect(store.transactions('none')).toEqual([]);
  });

  it('refuses a transaction of an unknown session or with a repeated id', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    expect(() => store.appendTransaction(transaction('t1', 'no-such-session'))).toThrow();
    store.appendTransaction(transaction('t1', 's1'));
    expect(() => store.appendTransaction(transaction('t1', 's1', { teamId: 'team-2' }))).toThrow();
    expect(store.transactions('s1')).toEqual([transaction('t1', 's1')]);
  });

  it('keeps what it acknowledged across a reopen', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    store.appendTransaction(transaction('t1', 's1'));
    store.close();
    expect(openStore().transactions('s1')).toEqual([transaction('t1', 's1')]);
  });
});

describe('SqliteStore player scans', () => {
  it('round-trips scans in order, the video flag and a missing session', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    const scans = [scan('s1'), scan('s1', { tokenId: 'tok001', video: false, deviceId: 'player-2' })];
    for (const s of scans) store.appendPlayerScan(s);
    store.appendPlayerScan(scan(null));
    expect(store.playerScans('s1')).toEqual(scans);
    expect(store.session('s1')?.playerScanCount).toBe(2);
  });

  it("round-trips a scanner's scanId, scannedAt and stale mark, and finds a scan by (device, scanId) in any session", () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    const named = scan('s1', { scanId: 'a', scannedAt: '2025-01-01T21:04:00.000+01:00', video: false, stale: true });
    store.appendLog({ transactions: [], playerScans: [named, scan('s1', { scanId: 'a', deviceId: 'player-2' })] });
    store.switchSession({ ...session('s1', 0), status: 'completed', endTime: '2025-01-01T20:30:00.000Z' }, session('s2', 30));

    expect(store.playerScans('s1')[0]).toEqual(named);
    expect(store.playerScanById('player-1', 'a')).toEqual(named);
    expect(store.playerScanById('player-2', 'a')).toMatchObject({ deviceId: 'player-2', scanId: 'a' });
    expect(store.playerScanById('player-1', 'b')).toBeUndefined();
  });

  it('refuses a second scan of one device under one scanId: the whole commit is written or none of it', () => {
    const store = openStore();
    store.switchSession(undefined, session('s1', 0));
    store.appendPlayerScan(scan('s1', { scanId: 'a' }));
    expect(() => store.appendLog({ transactions: [], playerScans: [scan('s1'), scan('s1', { scanId: 'a' })] })).toThrow(/UNIQUE/);
    expect(store.playerScans('s1')).toEqual([scan('s1', { scanId: 'a' })]);
  });
});

describe('SqliteStore settings', () => {
  it('gets what was set, overwrites, and keeps it across a reopen', () => {
    const store = openStore();
    expect(store.getSetting('adminPasswordHash')).toBeUndefined();
    store.setSetting('adminPasswordHash', 'first');
    store.setSetting('tokenKey', 'k');
    store.setSetting('adminPasswordHash', 'second');
    expect(store.getSetting('adminPasswordHash')).toBe('second');
    store.close();
    const reopened = openStore();
    expect(reopened.getSetting('adminPasswordHash')).toBe('second');
    expect(reopened.getSetting('tokenKey')).toBe('k');
  });
});
