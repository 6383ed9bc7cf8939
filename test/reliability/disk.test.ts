import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AckResponse, Transaction } from '../../src/contract/index.js';
import type { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/temp-dir.js';
import { api } from '../support/http.js';
import { prng, seedFrom } from '../support/reliability.js';

/**
 * Disk: the data directory stops taking writes: full or read-only. The submitter gets
 * SERVER_ERROR (no stack trace), nothing is acknowledged that was not stored, nobody is told
 * of a transaction that does not exist, and once the disk takes writes again the game goes
 * on. A real full disk is a small tmpfs (when running as root and allowed to mount); a
 * read-only one is a store whose writes fail as SQLite's do (root ignores file permissions, and
 * Linux refuses to remount read-only while the database is open for writing).
 */

const STACK_TRACE = /\bat .*[(/].*:\d+:\d+|\.(?:ts|js):\d+/;

type Failure = 'SQLITE_FULL' | 'SQLITE_READONLY' | undefined;

/** The store's writing methods, by name (a new one is covered as long as its name says it writes). */
const WRITES = /^(append|save|set|switch|update|insert|delete)/;

/**
 * The real store, whose writes fail as SQLite's do while `failure` is set. A proxy rather
 * than a class listing the port's methods, so that it follows the port as it changes.
 */
class FailingDisk {
  failure: Failure;
  readonly store: SqliteStore;

  constructor(real: SqliteStore) {
    this.store = new Proxy(real, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (typeof property !== 'string' || !WRITES.test(property)) return method.bind(target);
        return (...args: unknown[]) => {
          if (this.failure === 'SQLITE_FULL') throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
          if (this.failure === 'SQLITE_READONLY') throw new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
          return method.apply(target, args);
        };
      },
    });
  }
}

let server: TestServer | undefined;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server?.destroy();
  server = undefined;
});

function expectServerError(ack: AckResponse, what: string): void {
  expect(ack, what).toEqual({ ok: false, error: { code: 'SERVER_ERROR', message: expect.any(String) as string } });
  expect(JSON.stringify(ack), what).not.toMatch(STACK_TRACE);
}

describe('a disk that stops taking writes (injected)', () => {
  for (const failure of ['SQLITE_FULL', 'SQLITE_READONLY'] as const) {
    it(`answers ${failure} with SERVER_ERROR, acknowledges only what is stored, and recovers`, async () => {
      let disk: FailingDisk | undefined;
      server = await startTestServer({
        maxStations: 6,
        wrapStore: (store) => (disk = new FailingDisk(store)).store,
      });
      const s = server;
      const gms = await Promise.all(Array.from({ length: 4 }, (_, i) => station(s.url, `DISK_GM_${i}`)));
      const observer = await station(s.url, 'OBSERVER');
      peers.push(...gms, observer);
      const sessionId = s.orchestrator.show.session!.id;

      // Submissions while the disk fails now and then, at moments a seeded PRNG picks.
      const random = prng(seedFrom('DISK_SEED', `disk (${failure})`));
      const acked: Transaction[] = [];
      const refused: { tokenId: string; teamId: string; scannerId: string }[] = [];
      for (let n = 0; n < 120; n += 1) {
        if (random() < 0.15) disk!.failure = disk!.failure ? undefined : failure;
        const i = n % gms.length;
        const submission = { tokenId: n % 7 === 0 ? `tok00${(n % 5) + 1}` : `disk-${n}`, teamId: `team-${n % 3}`, scannerId: `DISK_GM_${i}` };
        const ack = await gms[i]!.request('transaction:submit', submission);
        if (ack.ok) acked.push(ack.data as Transaction);
        else {
          expectServerError(ack, `submission ${n} with the disk ${disk!.failure ?? 'fine'}`);
          refused.push(submission);
        }
        // Rate limits: 10 a second per connection; four connections take turns, one submit each 30 ms.
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      expect(refused.length, 'the disk never failed: the PRNG should have toggled it').toBeGreaterThan(0);
      expect(acked.length).toBeGreaterThan(0);

      // Acknowledged is exactly what is stored, and in memory is what is stored.
      const stored = s.store.transactions(sessionId);
      expect(stored.map((t) => t.id).sort()).toEqual(acked.map((t) => t.id).sort());
      expect(s.orchestrator.show.session!.transactionCount).toBe(stored.length);
      // Nobody was told of a transaction that is not stored.
      const storedIds = new Set(stored.map((t) => t.id));
      const last = acked.at(-1)!;
      await observer.waitFor('transaction:new', (e) => e.data.id === last.id);
      expect(observer.of('transaction:new').filter((e) => !storedIds.has(e.data.id))).toEqual([]);

      // Other writes refuse cleanly too, and change nothing.
      disk!.failure = failure;
      const token = await s.adminToken();
      const scan = await api(s.url, 'POST', '/api/scan', { body: { tokenId: 'tok001', deviceId: 'player' } });
      expect(scan).toMatchObject({ status: 500, body: { code: 'SERVER_ERROR' } });
      expect(scan.text).not.toMatch(STACK_TRACE);
      expect((await api(s.url, 'POST', '/api/reset', { token })).status).toBe(500);
      expect(s.orchestrator.show.session!.id).toBe(sessionId);
      expect(s.store.sessions()).toHaveLength(1);

      // Space (or write access) comes back: each refused submission goes through now, once.
      disk!.failure = undefined;
      for (const [n, submission] of refused.entries()) {
        if (n > 0 && n % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
        const gm = gms[Number(submission.scannerId.slice(-1))]!;
        const ack = await gm.request('transaction:submit', submission);
        expect(ack.ok, JSON.stringify(ack)).toBe(true);
      }
      expect(s.store.transactions(sessionId)).toHaveLength(acked.length + refused.length);
      expect((await api(s.url, 'POST', '/api/scan', { body: { tokenId: 'tok001', deviceId: 'player' } })).status).toBe(200);
    }, 60_000);
  }
});

/** A 1 MB tmpfs, when this process may mount one (root, and not forbidden by a container). */
function mountSmallDisk(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = tempDir('orchestrator-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const smallDisk = mountSmallDisk();
let smallDiskMounted = smallDisk !== undefined;
afterAll(() => {
  // Also when the test was filtered out: never leave the mount behind.
  if (smallDiskMounted) execFileSync('umount', [smallDisk!]);
  if (smallDisk !== undefined) rmSync(smallDisk, { recursive: true, force: true });
});

describe.skipIf(smallDisk === undefined)('a real full disk (a 1 MB tmpfs)', () => {
  it('answers SERVER_ERROR while full, keeps every acknowledged transaction and recovers once space returns', async () => {
    const dir = smallDisk!;
    try {
      server = await startTestServer({ dataDir: join(dir, 'data') });
      const s = server;
      const gm = await station(s.url, 'FULL_GM');
      peers.push(gm);
      const sessionId = s.orchestrator.show.session!.id;
      const acked: Transaction[] = [];
      let submitted = 0;
      const submit = async () => {
        submitted += 1;
        if (submitted % 9 === 0) await new Promise((resolve) => setTimeout(resolve, 1000)); // under 10 a second
        return gm.request('transaction:submit', { tokenId: `full-${submitted}`, teamId: 'Red', scannerId: 'FULL_GM' });
      };
      for (let i = 0; i < 3; i += 1) {
        const ack = await submit();
        expect(ack.ok).toBe(true);
        acked.push((ack as { data: Transaction }).data);
      }

      // Fill the disk to the last byte.
      const filler = join(dir, 'filler');
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(16 * 1024, 1);
      try {
        for (let i = 0; i < 1024; i += 1) writeSync(fd, chunk);
        throw new Error('the 1 MB tmpfs never filled');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }

      // Writes go on until SQLite needs a page it cannot have; from then on, SERVER_ERROR.
      let failures = 0;
      for (let attempt = 0; attempt < 200 && failures < 3; attempt += 1) {
        const ack = await submit();
        if (ack.ok) acked.push(ack.data as Transaction);
        else {
          expectServerError(ack, `submission ${submitted} on a full disk`);
          failures += 1;
        }
      }
      expect(failures, 'the full disk never refused a write').toBe(3);
      expect(s.store.transactions(sessionId).map((t) => t.id)).toEqual(acked.map((t) => t.id));

      rmSync(filler);
      const ack = await submit();
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      acked.push((ack as { data: Transaction }).data);

      // What was acknowledged is on the disk, as a restarted server reads it.
      await s.stop();
      server = await startTestServer({ dataDir: join(dir, 'data') });
      expect(server.store.transactions(sessionId).map((t) => t.id)).toEqual(acked.map((t) => t.id));
      console.log(`disk: tmpfs full after ${acked.length - 1} transactions; recovered once space returned`);
      await server.destroy();
      server = undefined;
    } finally {
      await server?.stop();
      server = undefined;
      execFileSync('umount', [dir]);
      smallDiskMounted = false;
    }
  }, 60_000);
});
