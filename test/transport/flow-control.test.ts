import { afterEach, describe, expect, it } from 'vitest';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

const codeOf = (ack: { ok: boolean; error?: { code: string } }) => (ack.ok ? 'ok' : ack.error?.code);

describe('rate limits (per connection, on a clock that only moves when told)', () => {
  it('processes 10 transaction:submit per second and refuses the rest with RATE_LIMITED', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ clock });
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    const acks = [];
    for (let i = 0; i < 12; i += 1) {
      acks.push(await gm.request('transaction:submit', { tokenId: `free-${i}`, teamId: 'Red', scannerId: 'GM' }));
    }
    expect(acks.map(codeOf)).toEqual([...Array<string>(10).fill('ok'), 'RATE_LIMITED', 'RATE_LIMITED']);
    // Every refusal is acknowledged; the error event goes out at most once a second per connection.
    expect(gm.of('error').map((e) => e.data.code)).toEqual(['RATE_LIMITED']);
    // Refused events were not processed: only ten transactions exist.
    expect(server.store.transactions(server.orchestrator.show.session!.id)).toHaveLength(10);
    clock.advance(1000);
    expect(codeOf(await gm.request('transaction:submit', { tokenId: 'free-x', teamId: 'Red', scannerId: 'GM' }))).toBe('ok');
  });

  it('allows one state:request per 5 seconds and one heartbeat per second', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ clock });
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    expect(codeOf(await gm.request('state:request', {}))).toBe('ok');
    expect(codeOf(await gm.request('state:request', {}))).toBe('RATE_LIMITED');
    clock.advance(4000);
    expect(codeOf(await gm.request('state:request', {}))).toBe('RATE_LIMITED');
    clock.advance(1000);
    expect(codeOf(await gm.request('state:request', {}))).toBe('ok');
    expect(gm.of('sync:full')).toHaveLength(2);

    expect(codeOf(await gm.request('heartbeat', { stationId: 'GM' }))).toBe('ok');
    expect(codeOf(await gm.request('heartbeat', { stationId: 'GM' }))).toBe('RATE_LIMITED');
    clock.advance(1000);
    expect(codeOf(await gm.request('heartbeat', { stationId: 'GM' }))).toBe('ok');
  });

  it('caps all events of a connection at 50 per second', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ clock });
    const peer = await connect(server.url);
    peers.push(peer);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 55; i += 1) codes.push(codeOf(await peer.request('no:such-event', { i })));
    expect(codes.slice(0, 50)).toEqual(Array<string>(50).fill('INVALID_DATA'));
    expect(codes.slice(50)).toEqual(Array<string>(5).fill('RATE_LIMITED'));
    // Another connection has its own budget.
    const other = await station(server.url, 'GM_OTHER');
    peers.push(other);
    expect(codeOf(await other.request('state:request', {}))).toBe('ok');
  });
});

describe('state:update coalescing', () => {
  it('turns a burst of 100 transactions into a few updates, the last carrying the final scores', async () => {
    server = await startTestServer({ maxStations: 11 });
    const observer = await station(server.url, 'OBSERVER');
    const gms = await Promise.all(Array.from({ length: 10 }, (_, i) => station(server.url, `GM_${i}`)));
    peers.push(observer, ...gms);
    const started = performance.now();
    // 10 stations × 10 submits stays inside each connection's 10/s limit.
    const transactions = (
      await Promise.all(gms.map((gm, i) => Promise.all(Array.from({ length: 10 }, (_, j) => gm.submit(`burst-${i}-${j}`, `team-${i % 3}`, `GM_${i}`)))))
    ).flat();
    expect(transactions).toHaveLength(100);
    const expected = server.orchestrator.show.state().scores;
    const updates = await observer.waitFor('state:update', (e) => JSON.stringify(e.data.scores) === JSON.stringify(expected));
    const elapsedMs = performance.now() - started;
    const received = observer.of('state:update');
    // The latest state is always delivered...
    expect(received.at(-1)?.data.scores).toEqual(expected);
    expect(updates.length).toBeGreaterThan(0);
    // ...and never more than one per 100 ms window (plus the leading and trailing ones).
    expect(received.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 100) + 2);
    expect(received.length).toBeLessThan(100);
    expect(observer.of('transaction:new')).toHaveLength(100);
  });
});
