import { afterEach, describe, expect, it } from 'vitest';
import { connect, startTestServer, station, type Peer, type TestServer } from '../support/harness.js';

// Finding: any device on the Wi-Fi took over GM_01 by identifying with its name, and the
// real GM page was left "Taken over" for good. Now a live station needs its secret.

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

async function open(url: string, auth: Record<string, unknown> = {}): Promise<Peer> {
  const peer = await connect(url, auth);
  peers.push(peer);
  return peer;
}

describe('a live station cannot be taken over by its name', () => {
  it('refuses an identify without the secret with AUTH_REQUIRED while the holder is connected; the holder keeps working', async () => {
    server = await startTestServer();
    const gm = await open(server.url);
    const { stationSecret } = await gm.identify('GM_01');
    const squatter = await open(server.url);
    const refused = await squatter.request('gm:identify', { stationId: 'GM_01', version: '1.0.0' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    // A wrong secret is no better.
    const guessed = await squatter.request('gm:identify', { stationId: 'GM_01', version: '1.0.0', stationSecret: 'guess' });
    expect(guessed).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    // The squatter stays unidentified: it cannot submit in anyone's name.
    expect(await squatter.request('transaction:submit', { tokenId: 'tok001', teamId: 'Evil', scannerId: 'GM_01' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_REQUIRED' },
    });
    expect(gm.socket.connected).toBe(true);
    expect((await gm.submit('tok001', 'Red', 'GM_01')).status).toBe('accepted');
    expect(stationSecret.length).toBeGreaterThanOrEqual(20);
  });

  it('lets a plain identify of the same id in once the holder is gone (the contract\'s reconnection)', async () => {
    server = await startTestServer();
    const first = await open(server.url);
    const { stationSecret: firstSecret } = await first.identify('GM_01');
    const gone = new Promise((resolve) => first.socket.once('disconnect', resolve));
    first.close();
    await gone;
    // The server sees the close a moment later; a bounded retry of the plain identify.
    let back: Peer | undefined;
    for (let attempt = 0; attempt < 50 && back === undefined; attempt += 1) {
      const peer = await open(server.url);
      const ack = await peer.request('gm:identify', { stationId: 'GM_01', version: '1.0.0' });
      if (ack.ok) back = peer;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back).toBeDefined();
    expect((await back!.submit('tok002', 'Red')).scannerId).toBe('GM_01');
    const latest = back!.of('gm:identified').at(-1)!.data.stationSecret;
    expect(latest).not.toBe(firstSecret);
  });

  it('a submission always carries the identified station as scanner, whatever the payload names', async () => {
    server = await startTestServer();
    const gm = await station(server.url, 'GM_02');
    peers.push(gm);
    const spoofed = await gm.submit('tok003', 'Red', 'GM_01');
    expect(spoofed.scannerId).toBe('GM_02');
    const omitted = await gm.request('transaction:submit', { tokenId: 'tok004', teamId: 'Red' });
    expect(omitted).toMatchObject({ ok: true, data: { scannerId: 'GM_02', status: 'accepted' } });
  });
});

describe('identify amplification', () => {
  // Finding: raw connections sent gm:identify ~45 times a second, each answered with the whole state twice.
  it('limits gm:identify per connection: the 4th within 10 s is RATE_LIMITED and answered without the state', async () => {
    server = await startTestServer();
    const peer = await open(server.url);
    const acks = [];
    for (let i = 0; i < 8; i += 1) acks.push(await peer.request('gm:identify', { stationId: 'GM_AMP', version: '1.0.0' }));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(3);
    expect(acks.slice(3).every((ack) => !ack.ok && ack.error.code === 'RATE_LIMITED')).toBe(true);
    expect(peer.of('gm:identified')).toHaveLength(3);
  });

  it('limits gm:identify per address across connections', async () => {
    // Default connection cap: 30 → 30 identifies per address per 10 s.
    server = await startTestServer({ maxStations: 10 });
    let accepted = 0;
    let limited = 0;
    for (let i = 0; i < 20; i += 1) {
      const peer = await open(server.url);
      for (let j = 0; j < 3; j += 1) {
        const ack = await peer.request('gm:identify', { stationId: `AMP_${i}`, version: '1.0.0' });
        if (ack.ok) accepted += 1;
        else if (ack.error.code === 'RATE_LIMITED') limited += 1;
      }
      peer.close();
      peers.splice(peers.indexOf(peer), 1);
    }
    expect(accepted).toBeLessThanOrEqual(30);
    expect(limited).toBeGreaterThan(0);
  });
});
