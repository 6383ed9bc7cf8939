import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../src/adapters/data-dir.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/temp-dir.js';

let server: TestServer | undefined;
const peers: Peer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server?.destroy();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** The database and its WAL companions, where they exist. */
function databaseFiles(dir: string): string[] {
  return ['orchestrator.db', 'orchestrator.db-wal', 'orchestrator.db-shm'].map((name) => join(dir, name)).filter((path) => existsSync(path));
}

describe('data file modes (finding: the password hash and token key were world-readable)', () => {
  it('keeps the data folder 0700 and the database files 0600 on a running server', async () => {
    server = await startTestServer();
    // Writes make SQLite create the -wal and -shm files while serving.
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    await gm.submit('tok001', 'Red');
    expect(modeOf(server.dataDir)).toBe(0o700);
    const files = databaseFiles(server.dataDir);
    expect(files).toContain(join(server.dataDir, 'orchestrator.db'));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(modeOf(file), file).toBe(0o600);
  });

  it('tightens a database another process left world-readable when the store opens it', () => {
    const dir = tempDir('orchestrator-modes-');
    dirs.push(dir);
    const file = join(dir, 'orchestrator.db');
    new SqliteStore(file).close();
    chmodSync(file, 0o644);
    const store = new SqliteStore(file);
    store.setSetting('probe', 'x');
    try {
      for (const path of databaseFiles(dir)) expect(modeOf(path), path).toBe(0o600);
    } finally {
      store.close();
    }
  });

  it('tightens -wal and -shm files an earlier version left world-readable', () => {
    const dir = tempDir('orchestrator-modes-');
    dirs.push(dir);
    const file = join(dir, 'orchestrator.db');
    // Another connection holds the WAL open, as a crashed earlier run would have left it.
    const earlier = new Database(file);
    earlier.pragma('journal_mode = WAL');
    earlier.exec('CREATE TABLE leftover (x)');
    const files = databaseFiles(dir);
    expect(files).toHaveLength(3);
    for (const path of files) chmodSync(path, 0o644);
    const store = new SqliteStore(file);
    try {
      for (const path of files) expect(modeOf(path), path).toBe(0o600);
    } finally {
      store.close();
      earlier.close();
    }
  });

  it('prepareDataDir makes a new folder 0700 and tightens an existing 0755 one', () => {
    const parent = tempDir('orchestrator-datadir-');
    dirs.push(parent);
    const fresh = join(parent, 'nested', 'data');
    expect(prepareDataDir(fresh)).toEqual({ tightened: true });
    expect(modeOf(fresh)).toBe(0o700);

    const loose = join(parent, 'loose');
    mkdirSync(loose, { mode: 0o755 });
    chmodSync(loose, 0o755);
    writeFileSync(join(loose, 'keep.txt'), 'contents stay');
    expect(modeOf(loose)).toBe(0o755);
    expect(prepareDataDir(loose)).toEqual({ tightened: true });
    expect(modeOf(loose)).toBe(0o700);
    expect(existsSync(join(loose, 'keep.txt'))).toBe(true);
  });
});
