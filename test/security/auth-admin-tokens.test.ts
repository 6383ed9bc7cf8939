import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { AdminAuth } from '../../src/transport/admin-auth.js';
import { ADMIN_PASSWORD, connect, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { tempDir } from '../support/temp-dir.js';
import { api } from '../support/http.js';
import { startLoggedServer } from '../support/security.js';

const servers: TestServer[] = [];
const peers: Peer[] = [];
const stores: SqliteStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  for (const server of servers.splice(0)) {
    await server.stop();
    dirs.push(server.dataDir);
  }
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore(dir: string): SqliteStore {
  const store = new SqliteStore(join(dir, 'orchestrator.db'));
  stores.push(store);
  return store;
}

function newDir(): string {
  const dir = tempDir('orchestrator-admin-');
  dirs.push(dir);
  return dir;
}

const announce = () => undefined;
const HOUR = 3600_000;

/** Resolves once the peer is disconnected (at once if it already is); bounded. */
function disconnected(peer: Peer, timeoutMs = 10_000): Promise<string> {
  if (!peer.socket.connected) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    peer.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('changing the admin password (finding: a leaked admin token outlived a password change)', () => {
  it('keeps the key while the password stays, rotates it when the password changes', async () => {
    const store = openStore(newDir());
    const first = await AdminAuth.create({ settings: store, password: 'first-password', announceGeneratedPassword: announce });
    const hash = store.getSetting('admin.passwordHash');
    const key = store.getSetting('admin.tokenKey');
    const { token } = await first.issueToken();

    const again = await AdminAuth.create({ settings: store, password: 'first-password', announceGeneratedPassword: announce });
    expect(await again.verifyToken(token)).toBeDefined();
    expect(store.getSetting('admin.passwordHash')).toBe(hash);
    expect(store.getSetting('admin.tokenKey')).toBe(key);

    // Started with no ADMIN_PASSWORD: the stored hash and key are used as they are.
    const unset = await AdminAuth.create({ settings: store, password: undefined, announceGeneratedPassword: () => expect.unreachable('no password is generated while one is stored') });
    expect(await unset.verifyToken(token)).toBeDefined();

    const changed = await AdminAuth.create({ settings: store, password: 'second-password', announceGeneratedPassword: announce });
    expect(await changed.verifyToken(token)).toBeUndefined();
    expect(store.getSetting('admin.passwordHash')).not.toBe(hash);
    expect(store.getSetting('admin.tokenKey')).not.toBe(key);
    expect(await changed.checkPassword('first-password')).toBe(false);
    expect(await changed.checkPassword('second-password')).toBe(true);
    const { token: fresh } = await changed.issueToken();
    expect(await changed.verifyToken(fresh)).toBeDefined();
  });

  it('keeps admin tokens across a restart with the same password', async () => {
    const dataDir = newDir();
    const first = await startTestServer({ dataDir });
    servers.push(first);
    const token = await first.adminToken();
    await first.stop();
    const second = await startTestServer({ dataDir });
    servers.push(second);
    expect((await api(second.url, 'GET', '/api/sessions', { token })).status).toBe(200);
  });

  it('refuses, after a restart with another password, the tokens issued under the old one (HTTP and Socket.IO)', async () => {
    const dataDir = newDir();
    const { server: before } = await startLoggedServer({ dataDir, adminPassword: 'the-leaked-password' });
    servers.push(before);
    const leaked = await before.adminToken();
    expect((await api(before.url, 'GET', '/api/sessions', { token: leaked })).status).toBe(200);
    await before.stop();

    // Staff change ADMIN_PASSWORD and restart.
    const after = await startTestServer({ dataDir, stationToken: 'venue-secret-123' });
    servers.push(after);
    expect(await api(after.url, 'GET', '/api/sessions', { token: leaked })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    await expect(connect(after.url, { token: leaked })).rejects.toMatchObject({ data: { code: 'INVALID_TOKEN' } });
    expect(await api(after.url, 'POST', '/api/admin/login', { body: { password: 'the-leaked-password' } })).toMatchObject({ status: 401 });
    const token = await after.adminToken();
    expect((await api(after.url, 'GET', '/api/sessions', { token })).status).toBe(200);
  });
});

describe('forged admin tokens (finding: a token without an expiry was accepted forever)', () => {
  it('refuses a correctly signed token without exp, with another role, expired, or unsigned', async () => {
    const server = await startTestServer({ stationToken: 'venue-secret-123' });
    servers.push(server);
    const key = Buffer.from(server.store.getSetting('admin.tokenKey') ?? '', 'base64');
    expect(key.length).toBeGreaterThan(0);
    const now = Math.floor(Date.now() / 1000);
    const signed = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT) =>
      build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now)).sign(key);
    const forgeries = {
      'no exp': await signed({ role: 'admin' }, (jwt) => jwt),
      'role station': await signed({ role: 'station' }, (jwt) => jwt.setExpirationTime(now + 3600)),
      'no role': await signed({}, (jwt) => jwt.setExpirationTime(now + 3600)),
      expired: await signed({ role: 'admin' }, (jwt) => jwt.setExpirationTime(now - 60)),
      'alg none': new UnsecuredJWT({ role: 'admin' }).setIssuedAt(now).setExpirationTime(now + 3600).encode(),
      'another key': await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(new Uint8Array(32).fill(7)),
    };
    for (const [what, token] of Object.entries(forgeries)) {
      expect(await api(server.url, 'GET', '/api/sessions', { token }), what).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
      await expect(connect(server.url, { token }), what).rejects.toMatchObject({ data: { code: 'INVALID_TOKEN' } });
    }
    // The control: the same key and claims with an expiry is an admin token.
    const honest = await signed({ role: 'admin' }, (jwt) => jwt.setExpirationTime(now + 3600));
    expect((await api(server.url, 'GET', '/api/sessions', { token: honest })).status).toBe(200);
    const admin = await connect(server.url, { token: honest });
    peers.push(admin);
    expect((await admin.request('state:request', {})).ok).toBe(true);
  });
});

describe('admin sockets at expiry (finding: an admin socket stayed in the admin room after its login expired)', () => {
  it('disconnects an admin socket when its token expires, with INVALID_TOKEN', async () => {
    const clock = new ManualClock(Date.now());
    const server = await startTestServer({ clock });
    servers.push(server);
    // Same password, same store: the same signing key as the server's. Expiry (second-rounded) 1.5–2.5 s from now.
    const auth = await AdminAuth.create({ settings: server.store, password: ADMIN_PASSWORD, tokenLifetimeMs: 2500, announceGeneratedPassword: announce });
    const { token, expiresAt } = await auth.issueToken(clock.now());
    expect(Date.parse(expiresAt)).toBeGreaterThan(clock.now());
    const admin = await connect(server.url, { token });
    peers.push(admin);
    const other = await connect(server.url, { token: await server.adminToken() });
    peers.push(other);
    expect((await admin.request('state:request', {})).ok).toBe(true);

    expect(await disconnected(admin)).toBe('io server disconnect');
    expect(admin.of('error').map((e) => e.data.code)).toEqual(['INVALID_TOKEN']);
    // Only the expired one: an admin with a valid login stays.
    expect(other.socket.connected).toBe(true);
    expect((await other.request('state:request', {})).ok).toBe(true);
  });

  it('refuses an admin event once the server clock passes the expiry, and closes the socket', async () => {
    const clock = new ManualClock(Date.now());
    const server = await startTestServer({ clock });
    servers.push(server);
    const token = await server.adminToken();
    const admin = await connect(server.url, { token });
    peers.push(admin);
    expect((await admin.request('state:request', {})).ok).toBe(true);

    clock.advance(12 * HOUR + 1000);
    const gone = disconnected(admin);
    expect(await admin.request('state:request', {})).toMatchObject({ ok: false, error: { code: 'INVALID_TOKEN' } });
    expect(await gone).toBe('io server disconnect');
    expect(await api(server.url, 'GET', '/api/sessions', { token })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    // A new login on the same clock works.
    const renewed = await connect(server.url, { token: await server.adminToken() });
    peers.push(renewed);
    expect((await renewed.request('state:request', {})).ok).toBe(true);
  });
});
