import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../../src/adapters/sqlite/migrations.js';
import type { SessionRecord } from '../../../src/ports/store.js';
import { storeFolderPerTest } from '../../support/store-files.js';

const folder = storeFolderPerTest('migrations-test-', 'data/orchestrator.db');
const openStore = (file?: string) => folder.open(file);
const SESSION: SessionRecord = { id: 's1', name: 'Session s1', startTime: '2025-01-01T20:00:00.000Z', status: 'active' };

describe('migrations', () => {
  it('create the data folder and set user_version to the number of migrations', () => {
    openStore().close();
    expect(migrations.length).toBeGreaterThan(0);
    expect(folder.raw().pragma('user_version', { simple: true })).toBe(migrations.length);
  });

  it('run nothing on a database that is up to date', () => {
    const store = openStore();
    store.switchSession(undefined, SESSION);
    store.setSetting('k', 'v');
    store.close();

    const db = folder.raw();
    expect(migrate(db)).toBe(migrations.length);
    expect(migrate(db)).toBe(migrations.length);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();

    const reopened = openStore();
    expect(reopened.sessions().map((s) => s.id)).toEqual(['s1']);
    expect(reopened.getSetting('k')).toBe('v');
  });

  it('keep the player scans of a database from before scanners named their scans', () => {
    const file = join(folder.dir, 'version-4.db');
    const db = folder.raw(file);
    db.pragma('foreign_keys = ON');
    db.transaction(() => {
      for (const migration of migrations.slice(0, 4)) db.exec(migration);
      db.pragma('user_version = 4');
    })();
    db.prepare(`INSERT INTO sessions (id, name, start_time, status) VALUES ('s1', 'Session s1', '2025-01-01T20:00:00.000Z', 'active')`).run();
    db.prepare(`INSERT INTO player_scans (session_id, token_id, device_id, timestamp, video) VALUES ('s1', 'tok002', 'p1', '2025-01-01T20:01:00.000Z', 1)`).run();
    db.close();

    const store = openStore(file);
    expect(store.playerScans('s1')).toEqual([{ tokenId: 'tok002', deviceId: 'p1', sessionId: 's1', timestamp: '2025-01-01T20:01:00.000Z', video: true }]);
    store.appendPlayerScan({ tokenId: 'tok002', deviceId: 'p1', sessionId: 's1', timestamp: '2025-01-01T20:02:00.000Z', video: true, scanId: 'a' });
    expect(store.playerScanById('p1', 'a')?.timestamp).toBe('2025-01-01T20:02:00.000Z');
  });

  it('refuse a database written by a newer build', () => {
    const db = folder.raw(join(folder.dir, 'newer.db'));
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openStore(join(folder.dir, 'newer.db'))).toThrow(/newer than this build/);
  });

  it('work in memory', () => {
    const store = openStore(':memory:');
    store.switchSession(undefined, SESSION);
    expect(store.currentSession()?.id).toBe('s1');
  });
});
