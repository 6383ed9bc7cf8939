import { afterEach, describe, expect, it } from 'vitest';
import { GameClock, GameState } from '../../src/contract/index.js';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { api } from '../support/http.js';

const T0 = Date.UTC(2026, 10, 27, 20, 0, 0);
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let server: TestServer | undefined;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  const running = server;
  server = undefined;
  await running?.destroy();
});

async function clockOf(s: TestServer): Promise<GameClock> {
  const state = GameState.parse((await api(s.url, 'GET', '/api/state')).body);
  return GameClock.parse(state.clock);
}

describe('the game clock in GameState', () => {
  it('runs from the session start with GAME_MINUTES planned, holds on pause, runs again on resume', async () => {
    const clock = new ManualClock(T0);
    server = await startTestServer({ clock, gameMinutes: 120 });
    expect(await clockOf(server)).toEqual({ status: 'running', elapsedMs: 0, plannedMs: 120 * min, remainingMs: 120 * min, overtime: false, asOf: iso(T0) });
    const token = await server.adminToken();
    clock.advance(10 * min);
    await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'paused' } });
    expect(await clockOf(server)).toMatchObject({ status: 'paused', elapsedMs: 10 * min, remainingMs: 110 * min, asOf: iso(T0 + 10 * min) });
    clock.advance(30 * min);
    await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'active' } });
    expect(await clockOf(server)).toMatchObject({ status: 'running', elapsedMs: 10 * min, asOf: iso(T0 + 40 * min) });
    await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'completed' } });
    expect(GameState.parse((await api(server.url, 'GET', '/api/state')).body).clock).toBeUndefined();
  });

  it('counts up with no planned length, and a new session starts its own clock', async () => {
    const clock = new ManualClock(T0);
    server = await startTestServer({ clock });
    expect(await clockOf(server)).toMatchObject({ plannedMs: null, remainingMs: null, overtime: false });
    clock.advance(5 * min);
    const token = await server.adminToken();
    await api(server.url, 'POST', '/api/session', { token, body: { name: 'Second game' } });
    expect(await clockOf(server)).toMatchObject({ status: 'running', elapsedMs: 0, asOf: iso(T0 + 5 * min) });
  });
});

describe('PATCH /api/session/clock', () => {
  it('sets the planned length and corrects the elapsed time; stations get the new state', async () => {
    const clock = new ManualClock(T0);
    server = await startTestServer({ clock });
    const gm = await station(server.url, 'GM_CLOCK');
    peers.push(gm);
    const token = await server.adminToken();
    clock.advance(20 * min);
    const planned = await api(server.url, 'PATCH', '/api/session/clock', { token, body: { plannedMinutes: 15 } });
    expect(planned.status).toBe(200);
    expect(GameClock.parse(planned.body)).toEqual({ status: 'running', elapsedMs: 20 * min, plannedMs: 15 * min, remainingMs: 0, overtime: true, asOf: iso(T0 + 20 * min) });
    const [update] = await gm.waitFor('state:update', (e) => e.data.clock?.plannedMs === 15 * min);
    expect(update!.data.clock).toMatchObject({ overtime: true });
    const corrected = await api(server.url, 'PATCH', '/api/session/clock', { token, body: { adjustSeconds: -600, plannedMinutes: null } });
    expect(corrected.body).toMatchObject({ elapsedMs: 10 * min, plannedMs: null, overtime: false });
    const floor = await api(server.url, 'PATCH', '/api/session/clock', { token, body: { adjustSeconds: -86_400 } });
    expect(floor.body).toMatchObject({ elapsedMs: 0 });
  });

  it('needs an admin and a valid correction; a refusal changes nothing', async () => {
    const clock = new ManualClock(T0);
    server = await startTestServer({ clock, gameMinutes: 60 });
    const before = await clockOf(server);
    expect((await api(server.url, 'PATCH', '/api/session/clock', { body: { plannedMinutes: 30 } })).status).toBe(401);
    const token = await server.adminToken();
    for (const body of [{}, { plannedMinutes: 0 }, { plannedMinutes: 1.5 }, { adjustSeconds: 'ten' }, { plannedMinutes: 2000 }, []]) {
      const reply = await api(server.url, 'PATCH', '/api/session/clock', { token, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body).toMatchObject({ code: 'INVALID_DATA' });
    }
    expect(await clockOf(server)).toEqual(before);
    await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'completed' } });
    const none = await api(server.url, 'PATCH', '/api/session/clock', { token, body: { adjustSeconds: 60 } });
    expect(none).toMatchObject({ status: 404, body: { code: 'SESSION_NOT_FOUND' } });
  });
});

describe('the clock across a restart', () => {
  it('continues where it was: a running clock has run on while the server was down, a paused one has not', async () => {
    const clock = new ManualClock(T0);
    server = await startTestServer({ clock, gameMinutes: 90 });
    const dataDir = server.dataDir;
    const token = await server.adminToken();
    clock.advance(10 * min);
    await api(server.url, 'PATCH', '/api/session/clock', { token, body: { adjustSeconds: 60 } });
    const running = await clockOf(server);
    await server.stop();

    clock.advance(5 * min); // down for five minutes
    server = await startTestServer({ clock, dataDir, gameMinutes: 90 });
    // Seen as of the same last change: a client extrapolating from it counts the down time.
    expect(await clockOf(server)).toEqual(running);
    expect(running).toMatchObject({ status: 'running', elapsedMs: 11 * min, asOf: iso(T0 + 10 * min) });
    const again = await server.adminToken();
    await api(server.url, 'PATCH', '/api/session', { token: again, body: { status: 'paused' } });
    expect(await clockOf(server)).toMatchObject({ status: 'paused', elapsedMs: 16 * min });
    await server.stop();

    clock.advance(60 * min);
    server = await startTestServer({ clock, dataDir, gameMinutes: 90 });
    expect(await clockOf(server)).toMatchObject({ status: 'paused', elapsedMs: 16 * min, remainingMs: 74 * min });
  });
});
