import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf, GameState, SyncFull } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { api } from '../support/http.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

async function open(...created: Promise<Peer>[]): Promise<Peer[]> {
  const opened = await Promise.all(created);
  peers.push(...opened);
  return opened;
}

describe('gm:identify', () => {
  it('answers gm:identified in the envelope and an ack carrying the same payload', async () => {
    server = await startTestServer();
    const [peer] = await open(connect(server.url));
    const ack = await peer!.request('gm:identify', { stationId: 'GM_01', version: '1.0.0' });
    const [identified] = await peer!.waitFor('gm:identified');
    const envelope = envelopeOf('gm:identified').parse(identified);
    expect(envelope.data.success).toBe(true);
    expect(envelope.data.sessionId).toBe(server.orchestrator.show.session?.id);
    expect(GameState.parse(envelope.data.state).sessionId).toBe(envelope.data.sessionId);
    expect(ack).toEqual({ ok: true, data: envelope.data });
  });

  it('accepts the {event, data} envelope form of a client event', async () => {
    server = await startTestServer();
    const [peer] = await open(connect(server.url));
    const ack = await peer!.request('gm:identify', { event: 'gm:identify', data: { stationId: 'GM_ENV', version: '2' } });
    expect(ack.ok).toBe(true);
    const tx = await peer!.request('transaction:submit', {
      event: 'transaction:submit',
      data: { tokenId: 'tok001', teamId: 'Team 1', scannerId: 'GM_ENV' },
    });
    expect(tx).toMatchObject({ ok: true, data: { status: 'accepted', tokenId: 'tok001' } });
  });

  it('announces the station to the other stations and admin, not to itself', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [other, admin] = await open(station(server.url, 'GM_OTHER'), connect(server.url, { token }));
    const [newcomer] = await open(connect(server.url));
    await newcomer!.identify('GM_NEW', { name: 'Bar tablet' });
    const [toOther] = await other!.waitFor('device:connected', (e) => e.data.deviceId === 'GM_NEW');
    const [toAdmin] = await admin!.waitFor('device:connected', (e) => e.data.deviceId === 'GM_NEW');
    expect(envelopeOf('device:connected').parse(toOther)).toMatchObject({
      data: { deviceId: 'GM_NEW', type: 'gm', name: 'Bar tablet' },
    });
    expect(toOther!.data.ipAddress).toBeTruthy();
    expect(toAdmin!.data).toEqual(toOther!.data);
    // The newcomer's own view: its identification and nothing about itself.
    await newcomer!.submit('tok001', 'team', 'GM_NEW');
    await newcomer!.waitFor('transaction:new');
    expect(newcomer!.of('device:connected').filter((e) => e.data.deviceId === 'GM_NEW')).toEqual([]);
  });

  it('refuses a station beyond MAX_GM_STATIONS with DEVICE_LIMIT and disconnects it', async () => {
    server = await startTestServer({ maxStations: 2 });
    await open(station(server.url, 'GM_1'), station(server.url, 'GM_2'));
    const [third] = await open(connect(server.url));
    const disconnected = new Promise<string>((resolve) => third!.socket.once('disconnect', resolve));
    const ack = await third!.request('gm:identify', { stationId: 'GM_3', version: '1' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'DEVICE_LIMIT' } });
    const [error] = await third!.waitFor('error');
    expect(envelopeOf('error').parse(error).data.code).toBe('DEVICE_LIMIT');
    expect(await disconnected).toBe('io server disconnect');
    // The connected stations were not evicted, and the same station reconnecting is let in.
    expect(server.orchestrator.show.connectedStations()).toBe(2);
  });

  it('lets a station take over its own id from an older connection when it presents the station secret', async () => {
    server = await startTestServer({ maxStations: 1 });
    const [first] = await open(connect(server.url));
    const { stationSecret } = await first!.identify('GM_TAB');
    expect(stationSecret).toMatch(/^[\w-]{20,}$/);
    const closed = new Promise<string>((resolve) => first!.socket.once('disconnect', resolve));
    const [second] = await open(connect(server.url));
    const taken = await second!.identify('GM_TAB', { stationSecret });
    expect(taken.stationSecret).toBe(stationSecret);
    expect(await closed).toBe('io server disconnect');
    expect(first!.of('error').map((e) => e.data)).toEqual([expect.objectContaining({ code: 'AUTH_REQUIRED', details: { reason: 'taken-over' } })]);
    expect((await second!.submit('tok002', 'reds', 'GM_TAB')).status).toBe('accepted');
  });

  it('refuses every other event before identification with AUTH_REQUIRED', async () => {
    server = await startTestServer();
    const [peer] = await open(connect(server.url));
    for (const [event, payload] of [
      ['transaction:submit', { tokenId: 'tok001', teamId: 't', scannerId: 's' }],
      ['state:request', {}],
      ['heartbeat', { stationId: 'GM' }],
    ] as const) {
      const ack = await peer!.request(event, payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    }
    expect(peer!.of('error').map((e) => e.data.code)).toEqual(['AUTH_REQUIRED', 'AUTH_REQUIRED', 'AUTH_REQUIRED']);
    expect(server.store.transactions(server.orchestrator.show.session!.id)).toEqual([]);
  });
});

describe('transaction:submit', () => {
  it('acks the durable transaction, then broadcasts transaction:new and a state:update', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [a, b, admin] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_B'), connect(server.url, { token }));
    const tx = await a!.submit('tok003', 'Blue', 'GM_A');
    expect(tx).toMatchObject({ status: 'accepted', points: 250000, teamId: 'Blue', scannerId: 'GM_A' });
    expect(server.store.transactions(tx.sessionId).map((t) => t.id)).toEqual([tx.id]);
    for (const peer of [a!, b!, admin!]) {
      const [seen] = await peer.waitFor('transaction:new');
      expect(envelopeOf('transaction:new').parse(seen).data).toEqual(tx);
      const [update] = await peer.waitFor('state:update', (e) => e.data.scores.length > 0);
      expect(update!.data.scores).toEqual([
        expect.objectContaining({ teamId: 'Blue', currentScore: 250000, tokensScanned: 1 }),
      ]);
    }
  });

  it('rejects unknown tokens, marks a second claim duplicate and matches ids case-insensitively', async () => {
    server = await startTestServer();
    const [gm] = await open(station(server.url, 'GM'));
    expect(await gm!.submit('nope', 'Red')).toMatchObject({ status: 'rejected', rejectionReason: 'unknown token', points: 0 });
    expect(await gm!.submit('tok004', 'Red')).toMatchObject({ status: 'accepted', tokenId: 'TOK004', points: 375000 });
    const dup = await gm!.submit('TOK004', 'Green');
    expect(dup).toMatchObject({ status: 'duplicate', points: 0, teamId: 'Green' });
    expect(dup.rejectionReason).toContain('Red');
    const state = server.orchestrator.show.state();
    // The duplicate registers its team (with 0 points); the unknown token registers nothing.
    expect(state.scores.map((s) => [s.teamId, s.currentScore])).toEqual([['Red', 375000], ['Green', 0]]);
    expect(state.teams.map((t) => t.teamId)).toEqual(['Red', 'Green']);
  });

  it('answers a resubmission with the original transaction and broadcasts nothing new', async () => {
    server = await startTestServer();
    const [gm, watcher] = await open(station(server.url, 'GM'), station(server.url, 'WATCH'));
    const first = await gm!.submit('tok001', 'Red', 'GM');
    const again = await gm!.submit('TOK001', 'Red', 'GM');
    expect(again).toEqual(first);
    const other = await gm!.submit('tok002', 'Red', 'GM');
    await watcher!.waitFor('transaction:new', (e) => e.data.id === other.id);
    expect(watcher!.of('transaction:new').map((e) => e.data.id)).toEqual([first.id, other.id]);
    expect(server.store.transactions(first.sessionId)).toHaveLength(2);
  });

  it('gives a token to exactly one team when five stations claim it at once', async () => {
    server = await startTestServer();
    const gms = await open(...['A', 'B', 'C', 'D', 'E'].map((id) => station(server.url, `GM_${id}`)));
    const results = await Promise.all(gms.map((gm, i) => gm.submit('tok005', `team-${i}`, `GM_${i}`)));
    expect(results.filter((t) => t.status === 'accepted')).toHaveLength(1);
    expect(results.filter((t) => t.status === 'duplicate')).toHaveLength(4);
    const winner = results.find((t) => t.status === 'accepted')!;
    const stored = server.store.transactions(winner.sessionId);
    expect(stored.find((t) => t.status === 'accepted')?.id).toBe(winner.id);
    // First write wins in commit order: the accepted one was committed first.
    expect(stored[0]?.id).toBe(winner.id);
  });

  it('pays a group bonus to the team that completes the group', async () => {
    server = await startTestServer();
    const [gm] = await open(station(server.url, 'GM'));
    await gm!.submit('grp001', 'Owls');
    await gm!.submit('grp002', 'Owls');
    await gm!.submit('pair01', 'Cats');
    await gm!.submit('grp003', 'Owls');
    const [update] = await gm!.waitFor('state:update', (e) => e.data.scores.some((s) => s.completedGroups.length > 0));
    const owls = update!.data.scores.find((s) => s.teamId === 'Owls');
    expect(owls).toMatchObject({ currentScore: 185000 + 370000, bonusPoints: 370000, completedGroups: ['Trio'], tokensScanned: 3 });
    expect(update!.data.scores.find((s) => s.teamId === 'Cats')).toMatchObject({ currentScore: 50000, bonusPoints: 0 });
  });

  it('rejects submissions while the session is paused and judges them anew once resumed', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm] = await open(station(server.url, 'GM'));
    const patch = (status: string) => api(server.url, 'PATCH', '/api/session', { body: { status }, token });
    expect((await patch('paused')).status).toBe(200);
    const paused = await gm!.submit('tok001', 'Red');
    expect(paused).toMatchObject({ status: 'rejected', rejectionReason: 'session is paused' });
    expect((await patch('active')).status).toBe(200);
    expect(await gm!.submit('tok001', 'Red')).toMatchObject({ status: 'accepted' });
  });

  it('answers SESSION_NOT_FOUND when no session is current', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm] = await open(station(server.url, 'GM'));
    const response = await api(server.url, 'PATCH', '/api/session', { body: { status: 'completed' }, token });
    expect(response.status).toBe(200);
    const ack = await gm!.request('transaction:submit', { tokenId: 'tok001', teamId: 'Red', scannerId: 'GM' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    const [error] = await gm!.waitFor('error');
    expect(error!.data.code).toBe('SESSION_NOT_FOUND');
  });

  it('answers an internal failure with SERVER_ERROR and no stack trace', async () => {
    server = await startTestServer();
    const [gm] = await open(station(server.url, 'GM'));
    server.store.close(); // the disk went away under the server
    const ack = await gm!.request('transaction:submit', { tokenId: 'tok001', teamId: 'Red', scannerId: 'GM' });
    expect(ack).toEqual({ ok: false, error: { code: 'SERVER_ERROR', message: expect.any(String) as string } });
    const [error] = await gm!.waitFor('error');
    expect(JSON.stringify(error)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(server.orchestrator.show.state().recentTransactions).toEqual([]);
  });
});

describe('rooms', () => {
  it('sends transaction:new only to identified stations of the session and to admin', async () => {
    server = await startTestServer();
    const [gm, anonymous] = await open(station(server.url, 'GM'), connect(server.url));
    const tx = await gm!.submit('tok001', 'Red');
    await gm!.waitFor('transaction:new');
    // The anonymous connection is in no room: a later event addressed to it proves it heard nothing before.
    await anonymous!.request('state:request', {});
    await anonymous!.waitFor('error');
    expect(anonymous!.received.map((e) => e.event)).toEqual(['error']);
    expect(tx.sessionId).toBe(server.orchestrator.show.session?.id);
  });

  it('moves the stations into a new session and tells them with sync:full', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm] = await open(station(server.url, 'GM'));
    const before = server.orchestrator.show.session!.id;
    const response = await api(server.url, 'POST', '/api/session', { body: { name: 'Second show' }, token });
    expect(response.status).toBe(201);
    const [sync] = await gm!.waitFor('sync:full');
    const data = SyncFull.parse(sync!.data);
    expect(data.session).toMatchObject({ name: 'Second show', status: 'active' });
    expect(data.session!.id).not.toBe(before);
    const tx = await gm!.submit('tok001', 'Red');
    const [seen] = await gm!.waitFor('transaction:new');
    expect(seen!.data).toEqual(tx);
    expect(tx.sessionId).toBe(data.session!.id);
  });
});

describe('state:request and heartbeat', () => {
  it('sends sync:full with the session, state, devices and the last transactions', async () => {
    server = await startTestServer();
    const [gm] = await open(station(server.url, 'GM_SYNC'));
    const tx = await gm!.submit('tok002', 'Red', 'GM_SYNC');
    const ack = await gm!.request('state:request', {});
    expect(ack).toEqual({ ok: true, data: { event: 'sync:full' } });
    const [sync] = await gm!.waitFor('sync:full');
    const data = envelopeOf('sync:full').parse(sync).data;
    expect(data.session).toMatchObject({ id: tx.sessionId, status: 'active', transactionCount: 1, acceptedCount: 1 });
    expect(data.transactions).toEqual([tx]);
    expect(data.state.scores[0]).toMatchObject({ teamId: 'Red', currentScore: 75000 });
    expect(data.devices).toEqual([expect.objectContaining({ deviceId: 'GM_SYNC', type: 'gm', connectionStatus: 'connected' })]);
  });

  it('acknowledges a heartbeat and refuses one for another station', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ clock });
    const [gm] = await open(station(server.url, 'GM_HB'));
    expect(await gm!.request('heartbeat', { stationId: 'GM_HB' })).toMatchObject({ ok: true, data: { stationId: 'GM_HB' } });
    clock.advance(1000);
    const wrong = await gm!.request('heartbeat', { stationId: 'SOMEONE_ELSE' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
  });
});

describe('device:disconnected', () => {
  it('reports a client disconnect as manual to the remaining stations', async () => {
    server = await startTestServer();
    const [stay, leave] = await open(station(server.url, 'GM_STAY'), station(server.url, 'GM_LEAVE'));
    leave!.close();
    const [gone] = await stay!.waitFor('device:disconnected');
    expect(envelopeOf('device:disconnected').parse(gone).data).toEqual({ deviceId: 'GM_LEAVE', reason: 'manual' });
  });

  it('reports a silent station as timeout once pings go unanswered', async () => {
    server = await startTestServer({ timing: { pingIntervalMs: 50, pingTimeoutMs: 100 } });
    const [stay, silent] = await open(station(server.url, 'GM_STAY'), station(server.url, 'GM_SILENT'));
    // A frozen tablet: the TCP connection stays open but nothing is read, so no pong is sent.
    const engine = silent!.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } };
    engine.transport.ws._socket.pause();
    const [gone] = await stay!.waitFor('device:disconnected');
    expect(gone!.data).toEqual({ deviceId: 'GM_SILENT', reason: 'timeout' });
  });
});
