import { afterEach, describe, expect, it } from 'vitest';
import { ErrorPayload, GameState, LoginResponse, Session, ShowToken } from '../../src/contract/index.js';
import { ADMIN_PASSWORD, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { api } from '../support/http.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

describe('public routes', () => {
  it('reports health, the state and the tokens', async () => {
    server = await startTestServer();
    expect(await api(server.url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const state = await api(server.url, 'GET', '/api/state');
    expect(GameState.parse(state.body).sessionId).toBe(server.orchestrator.show.session?.id);
    const tokens = await api(server.url, 'GET', '/api/tokens');
    const list = ShowToken.array().parse(tokens.body);
    expect(list).toHaveLength(14);
    expect(list.find((t) => t.id === 'tok002')).toMatchObject({ value: 75000, video: 'tok002.mp4' });
    const session = await api(server.url, 'GET', '/api/session');
    expect(Session.parse(session.body).status).toBe('active');
  });

  it('answers unknown routes, bad JSON and large bodies with contract errors', async () => {
    server = await startTestServer();
    const missing = await api(server.url, 'GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(ErrorPayload.parse(missing.body).code).toBe('NOT_FOUND');
    const bad = await api(server.url, 'POST', '/api/scan', { rawBody: '{"tokenId": ' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    const big = await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'x'.repeat(20_000), deviceId: 'p' } });
    expect(big).toMatchObject({ status: 413, body: { code: 'INVALID_DATA' } });
    expect(big.text).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});

describe('admin login', () => {
  it('issues an expiring token for the right password only', async () => {
    server = await startTestServer();
    const wrong = await api(server.url, 'POST', '/api/admin/login', { body: { password: 'nope' } });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    const empty = await api(server.url, 'POST', '/api/admin/login', { body: {} });
    expect(empty).toMatchObject({ status: 400, body: { code: 'INVALID_DATA', details: [{ field: 'password' }] } });
    const right = await api(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } });
    expect(right.status).toBe(200);
    const { token, expiresAt } = LoginResponse.parse(right.body);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect((await api(server.url, 'GET', '/api/sessions', { token })).status).toBe(200);
  });

  it('guards admin routes: AUTH_REQUIRED without a token, INVALID_TOKEN with a bad one', async () => {
    server = await startTestServer();
    for (const [method, path] of [
      ['POST', '/api/session'],
      ['PATCH', '/api/session'],
      ['GET', '/api/sessions'],
      ['GET', '/api/sessions/x/export'],
      ['POST', '/api/reset'],
    ] as const) {
      expect(await api(server.url, method, path)).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
      expect(await api(server.url, method, path, { token: 'not-a-token' })).toMatchObject({
        status: 401,
        body: { code: 'INVALID_TOKEN' },
      });
    }
    expect(server.store.sessions()).toHaveLength(1);
  });

  it('limits password guessing per address with RATE_LIMITED', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ clock });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      statuses.push((await api(server.url, 'POST', '/api/admin/login', { body: { password: `guess-${i}` } })).status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
  });
});

describe('sessions', () => {
  it('starts, pauses, resumes and completes sessions, keeping completed ones queryable', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const first = server.orchestrator.show.session!;
    const created = await api(server.url, 'POST', '/api/session', { token, body: { name: 'Evening show' } });
    expect(created.status).toBe(201);
    const second = Session.parse(created.body);
    expect(second).toMatchObject({ name: 'Evening show', status: 'active', transactionCount: 0 });
    expect(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'paused' } })).toMatchObject({
      status: 200,
      body: { id: second.id, status: 'paused' },
    });
    expect(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'active' } })).toMatchObject({
      body: { status: 'active' },
    });
    const bad = await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'finished' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_DATA', details: [{ field: 'status' }] } });
    expect(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'completed' } })).toMatchObject({
      body: { status: 'completed', endTime: expect.any(String) as string },
    });
    expect(await api(server.url, 'GET', '/api/session')).toMatchObject({ status: 404, body: { code: 'SESSION_NOT_FOUND' } });
    expect(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'active' } })).toMatchObject({
      status: 404,
      body: { code: 'SESSION_NOT_FOUND' },
    });
    const all = Session.array().parse((await api(server.url, 'GET', '/api/sessions', { token })).body);
    expect(all.map((s) => [s.id, s.status])).toEqual([
      [second.id, 'completed'],
      [first.id, 'completed'],
    ]);
  });

  it('exports a session as JSON and CSV with its log and scores', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    await gm.submit('pair01', 'Cats, "the best"', 'GM');
    await gm.submit('pair02', 'Cats, "the best"', 'GM');
    await gm.submit('nope', 'Dogs', 'GM');
    await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok002', deviceId: 'player-1' } });
    const id = server.orchestrator.show.session!.id;
    await api(server.url, 'POST', '/api/session', { token, body: {} });

    const json = await api(server.url, 'GET', `/api/sessions/${id}/export?format=json`, { token });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toContain(`session-${id}.json`);
    const record = json.body as { session: Session; scores: unknown[]; transactions: unknown[]; playerScans: unknown[] };
    expect(record.session).toMatchObject({ id, status: 'completed', transactionCount: 3, acceptedCount: 2, playerScanCount: 1 });
    expect(record.scores[0]).toMatchObject({ teamId: 'Cats, "the best"', currentScore: 175000 * 2, completedGroups: ['Pair'] });
    expect(record.transactions).toHaveLength(3);
    expect(record.playerScans).toEqual([expect.objectContaining({ tokenId: 'tok002', deviceId: 'player-1', video: true })]);

    const csv = await api(server.url, 'GET', `/api/sessions/${id}/export?format=csv`, { token });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [lines = [], leaderboard, corrections] = csv.text.split('\n\n').map((table) => table.trim().split('\n'));
    expect(lines[0]).toBe('timestamp,id,teamId,tokenId,scannerId,status,points,rejectionReason,voidedAt,voidReason');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('"Cats, ""the best"""');
    expect(lines[3]).toContain(',rejected,0,unknown token,,');
    expect(leaderboard).toEqual([
      'rank,teamId,name,score,tokensScanned,bonusPoints,adjustmentPoints,completedGroups',
      '1,"Cats, ""the best""","Cats, ""the best""",350000,2,175000,0,Pair',
    ]);
    expect(corrections).toEqual(['at,kind,by,reason,transactionId,teamId,points,newTransactionId,name']);

    expect(await api(server.url, 'GET', '/api/sessions/no-such/export', { token })).toMatchObject({
      status: 404,
      body: { code: 'SESSION_NOT_FOUND' },
    });
    expect(await api(server.url, 'GET', `/api/sessions/${id}/export?format=xml`, { token })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_DATA' },
    });
  });
});

describe('player scanners', () => {
  it('accepts a scan of a known token, announces the player once and logs every scan', async () => {
    server = await startTestServer();
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    const first = await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'TOK002', deviceId: 'player-1' } });
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted', tokenId: 'tok002', video: true } });
    const second = await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok001', deviceId: 'player-1' } });
    expect(second.body).toEqual({ status: 'accepted', tokenId: 'tok001', video: false });
    const unknown = await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'nope', deviceId: 'player-1' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'INVALID_DATA', message: 'unknown token' } });
    const [announced] = await gm.waitFor('device:connected', (e) => e.data.deviceId === 'player-1');
    expect(announced!.data.type).toBe('player');
    expect(gm.of('device:connected').filter((e) => e.data.deviceId === 'player-1')).toHaveLength(1);
    expect(server.store.playerScans(server.orchestrator.show.session!.id).map((s) => s.tokenId)).toEqual(['tok002', 'tok001']);
    // Players never score.
    expect(server.orchestrator.show.state().scores).toEqual([]);
  });

  it('reports a silent player as disconnected with reason timeout', async () => {
    server = await startTestServer({ timing: { playerTimeoutMs: 300 } });
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    expect((await api(server.url, 'POST', '/api/heartbeat', { body: { deviceId: 'player-9' } })).status).toBe(200);
    const [gone] = await gm.waitFor('device:disconnected', (e) => e.data.deviceId === 'player-9');
    expect(gone!.data).toEqual({ deviceId: 'player-9', reason: 'timeout' });
  });
});

describe('reset', () => {
  it('completes the session, starts a fresh one and sends sync:full to every station', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [a, b] = await Promise.all([station(server.url, 'GM_A'), station(server.url, 'GM_B')]);
    peers.push(a, b);
    await a.submit('tok003', 'Red', 'GM_A');
    const before = server.orchestrator.show.session!.id;
    const reset = await api(server.url, 'POST', '/api/reset', { token });
    expect(reset.status).toBe(200);
    const fresh = Session.parse(reset.body);
    expect(fresh.id).not.toBe(before);
    for (const peer of [a, b]) {
      const [sync] = await peer.waitFor('sync:full');
      expect(sync!.data.session?.id).toBe(fresh.id);
      expect(sync!.data.state.scores).toEqual([]);
      expect(sync!.data.transactions).toEqual([]);
    }
    expect(server.store.session(before)).toMatchObject({ status: 'completed', transactionCount: 1 });
    // The token is free again in the new game.
    expect((await a.submit('tok003', 'Blue', 'GM_A')).status).toBe('accepted');
  });
});
