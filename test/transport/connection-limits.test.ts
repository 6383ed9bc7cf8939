import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

/**
 * Resolves with the disconnect reason. A refused connection's error and close can arrive in
 * the same read as its connect, before a listener added after `connect()` resolved: hence the check.
 */
const closed = (peer: Peer) =>
  peer.socket.connected ? new Promise<string>((resolve) => peer.socket.once('disconnect', resolve)) : Promise.resolve('io server disconnect');

describe('the connection cap', () => {
  it('refuses a connection over the cap with a DEVICE_LIMIT error event and closes only that one', async () => {
    server = await startTestServer({ maxStations: 5, maxConnections: 3 });
    const a = await station(server.url, 'GM_A');
    const b = await station(server.url, 'GM_B');
    const idle = await connect(server.url);
    peers.push(a, b, idle);

    const over = await connect(server.url);
    peers.push(over);
    const overClosed = closed(over);
    const [error] = await over.waitFor('error');
    expect(envelopeOf('error').parse(error).data.code).toBe('DEVICE_LIMIT');
    expect(await overClosed).toBe('io server disconnect');

    // Nobody already in was pushed out: the stations still submit and see each other's work.
    expect(a.socket.connected && b.socket.connected && idle.socket.connected).toBe(true);
    const tx = await a.submit('tok001', 'Red', 'GM_A');
    await b.waitFor('transaction:new', (e) => e.data.id === tx.id);
    expect(server.orchestrator.show.connectedStations()).toBe(2);

    // A slot freed is a slot taken: the refused station gets in once the idle connection leaves.
    idle.close();
    peers.push(await identifyWhenFree(server.url, 'GM_C'));
    expect(server.orchestrator.show.connectedStations()).toBe(3);
  });

  it('does not count admin connections, so staff can always get in', async () => {
    server = await startTestServer({ maxConnections: 1 });
    const gm = await station(server.url, 'GM');
    const token = await server.adminToken();
    const admin = await connect(server.url, { token });
    peers.push(gm, admin);
    const ack = await admin.request('state:request', {});
    expect(ack.ok).toBe(true);
    expect(admin.of('error')).toEqual([]);
  });
});

describe('the identify deadline', () => {
  it('closes a connection that does not identify in time, with AUTH_REQUIRED, and keeps identified ones', async () => {
    server = await startTestServer({ timing: { identifyTimeoutMs: 200 } });
    const gm = await station(server.url, 'GM');
    const silent = await connect(server.url);
    peers.push(gm, silent);
    expect(await closed(silent)).toBe('io server disconnect');
    expect(silent.of('error').map((e) => e.data.code)).toEqual(['AUTH_REQUIRED']);
    // The identified station outlives several deadlines: a later event still reaches it.
    const late = await connect(server.url);
    peers.push(late);
    await closed(late);
    expect(gm.socket.connected).toBe(true);
    expect((await gm.submit('tok001', 'Red', 'GM')).status).toBe('accepted');
  });

  it('frees the slot of a connection closed for not identifying', async () => {
    server = await startTestServer({ maxConnections: 1, timing: { identifyTimeoutMs: 200 } });
    const silent = await connect(server.url);
    peers.push(silent);
    await closed(silent);
    peers.push(await identifyWhenFree(server.url, 'GM'));
    expect(server.orchestrator.show.connectedStations()).toBe(1);
  });
});

/**
 * Connects and identifies, trying again (a bounded number of times) while the server still
 * counts a connection that is closing: it learns of a close a moment after the client does.
 * A refused connection is closed by the server before it could answer the identify.
 */
async function identifyWhenFree(url: string, stationId: string): Promise<Peer> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const peer = await connect(url);
    const outcome = await Promise.race([
      peer.request('gm:identify', { stationId, version: '1.0.0' }).then((ack) => (ack.ok ? 'in' : ack.error.code)),
      closed(peer).then(() => 'closed'),
    ]);
    if (outcome === 'in') return peer;
    peer.close();
  }
  throw new Error('no connection slot became free');
}
