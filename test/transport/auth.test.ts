import { afterEach, describe, expect, it } from 'vitest';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

describe('station token', () => {
  it('refuses a station without the token (AUTH_REQUIRED) or with a wrong one (INVALID_TOKEN)', async () => {
    server = await startTestServer({ stationToken: 'venue-secret' });
    await expect(connect(server.url)).rejects.toMatchObject({ data: { code: 'AUTH_REQUIRED' } });
    await expect(connect(server.url, { token: 'guess-guess' })).rejects.toMatchObject({ data: { code: 'INVALID_TOKEN' } });
    const ok = await station(server.url, 'GM', { token: 'venue-secret' });
    peers.push(ok);
    expect((await ok.submit('tok001', 'Red', 'GM')).status).toBe('accepted');
  });

  it('lets stations in without a token when none is configured', async () => {
    server = await startTestServer();
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    expect(gm.socket.connected).toBe(true);
  });
});

describe('admin connections', () => {
  it('joins the admin room with an admin token and sees transactions without identifying', async () => {
    server = await startTestServer({ stationToken: 'venue-secret' });
    const token = await server.adminToken();
    const admin = await connect(server.url, { token });
    const gm = await station(server.url, 'GM', { token: 'venue-secret' });
    peers.push(admin, gm);
    const [announced] = await admin.waitFor('device:connected');
    expect(announced!.data.deviceId).toBe('GM');
    const tx = await gm.submit('tok002', 'Red', 'GM');
    const [seen] = await admin.waitFor('transaction:new');
    expect(seen!.data).toEqual(tx);
    expect((await admin.request('state:request', {})).ok).toBe(true);
    // Submitting still needs an identified station.
    const refused = await admin.request('transaction:submit', { tokenId: 'tok001', teamId: 'Red', scannerId: 'ADMIN' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
  });

  it('treats a forged admin token as a wrong station token', async () => {
    server = await startTestServer({ stationToken: 'venue-secret' });
    const token = await server.adminToken();
    const [header, payload] = token.split('.');
    await expect(connect(server.url, { token: `${header}.${payload}.forged-signature` })).rejects.toMatchObject({
      data: { code: 'INVALID_TOKEN' },
    });
  });
});
