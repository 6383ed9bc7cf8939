import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf, type Envelope } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { api } from '../support/http.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

/** Disconnects `leaving` and waits until the others have been told, so the server counts it as away. */
async function leave(leaving: Peer, witness: Peer, stationId: string): Promise<void> {
  leaving.close();
  await witness.waitFor('device:disconnected', (e) => e.data.deviceId === stationId);
}

/** A server on a manual clock with stations GM_A (staying) and GM_B (just disconnected). */
async function withStationBAway(): Promise<{ clock: ManualClock; a: Peer }> {
  const clock = new ManualClock();
  server = await startTestServer({ clock });
  const a = await station(server.url, 'GM_A');
  const b = await station(server.url, 'GM_B');
  peers.push(a, b);
  await leave(b, a, 'GM_B');
  return { clock, a };
}

/** GM_B connects again and identifies. */
async function bReturns(): Promise<Peer> {
  const back = await connect(server.url);
  peers.push(back);
  await back.identify('GM_B');
  return back;
}

/** Submits `count` transactions from `gm`, moving the clock so the rate limit never bites. */
async function submitMany(gm: Peer, clock: ManualClock, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    if (i > 0 && i % 10 === 0) clock.advance(1000);
    await gm.submit(`${prefix}-${i}`, 'Red', 'GM_A');
  }
}

describe('reconnection replay', () => {
  it('replays the missed events, in order, with their original envelopes, after gm:identified', async () => {
    const { clock, a } = await withStationBAway();
    const before = a.received.length;
    await submitMany(a, clock, 5, 'missed');
    await a.waitFor('state:update', (e) => e.data.recentTransactions.length === 5);
    const missedByB = a.received
      .slice(before)
      .filter((e) => e.event === 'transaction:new' || e.event === 'state:update');

    const back = await bReturns();
    const lastMissed = missedByB.at(-1)!;
    await back.waitFor(lastMissed.event, (e) => e.timestamp === lastMissed.timestamp && JSON.stringify(e) === JSON.stringify(lastMissed));
    const replayed = back.received.slice(1, 1 + missedByB.length);
    expect(back.received[0]?.event).toBe('gm:identified');
    expect(replayed).toEqual(missedByB);
    expect(back.of('transaction:new').map((e) => e.data.tokenId)).toEqual(['missed-0', 'missed-1', 'missed-2', 'missed-3', 'missed-4']);
    expect(back.of('sync:full')).toEqual([]);
  });

  it('sends one sync:full instead when more than 100 events were missed', async () => {
    const { clock, a } = await withStationBAway();
    await submitMany(a, clock, 101, 'flood');
    const back = await bReturns();
    const [sync] = await back.waitFor('sync:full');
    const data = envelopeOf('sync:full').parse(sync).data;
    expect(data.transactions).toHaveLength(100);
    expect(data.transactions.at(-1)?.tokenId).toBe('flood-100');
    expect(back.received.map((e) => e.event).slice(0, 2)).toEqual(['gm:identified', 'sync:full']);
    expect(back.of('transaction:new')).toEqual([]);
  });

  it('forgets the queue after 30 seconds', async () => {
    const { clock, a } = await withStationBAway();
    await submitMany(a, clock, 3, 'old');
    clock.advance(30_001);
    const back = await bReturns();
    // Something sent after the return arrives; nothing from before the return was replayed.
    const fresh = await a.submit('after-return', 'Red', 'GM_A');
    await back.waitFor('transaction:new', (e) => e.data.id === fresh.id);
    expect(back.of('transaction:new').map((e) => e.data.tokenId)).toEqual(['after-return']);
    expect(back.of('sync:full')).toEqual([]);
    // The station's device entry was forgotten too: it appears once, connected.
    const devices = server.orchestrator.show.syncPayload().devices.filter((d) => d.deviceId === 'GM_B');
    expect(devices).toEqual([expect.objectContaining({ connectionStatus: 'connected' })]);
  });

  it('queues a reset for an away station so it returns to the new session', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ clock });
    const token = await server.adminToken();
    const a = await station(server.url, 'GM_A');
    const b = await station(server.url, 'GM_B');
    peers.push(a, b);
    await leave(b, a, 'GM_B');
    const reset = await api(server.url, 'POST', '/api/reset', { token });
    expect(reset.status).toBe(200);
    const newSession = (reset.body as { id: string }).id;
    const tx = await a.submit('tok001', 'Red', 'GM_A');
    expect(tx.sessionId).toBe(newSession);
    const back = await connect(server.url);
    peers.push(back);
    const identified = await back.identify('GM_B');
    expect(identified.sessionId).toBe(newSession);
    const [seen] = await back.waitFor('transaction:new');
    expect(seen!.data.id).toBe(tx.id);
    const events = back.received.map((e: Envelope) => e.event);
    expect(events.indexOf('sync:full')).toBeLessThan(events.indexOf('transaction:new'));
  });
});
