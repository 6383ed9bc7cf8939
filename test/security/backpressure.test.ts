import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, station, type Peer, type TestServer } from '../support/harness.js';

// Finding: connections that never read stayed open past the 30 s ping timeout and kept
// buffering (789 MB of socket write buffers in one run). Now a connection whose output is not
// drained, or grows past a bound, is cut and its departure reported as `error`.

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

/**
 * A Socket.IO client over HTTP long-polling that identifies as a station and then never
 * polls again: everything the server sends it can only pile up on the server.
 */
async function neverReadingStation(url: string, stationId: string): Promise<void> {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const post = (body: string) => fetch(`${base}&sid=${sid}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
  await post('40');
  // One poll to receive the namespace's connect answer, so the identify is not sent too early.
  await fetch(`${base}&sid=${sid}`);
  await post(`42${JSON.stringify(['gm:identify', { stationId, version: '1.0.0' }])}`);
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('backpressure', () => {
  it('cuts a station whose output has not drained, reports it as an error, and the honest station carries on', async () => {
    server = await startTestServer({ limits: { drainTimeoutMs: 1000, checkEveryMs: 100 } });
    const honest = await station(server.url, 'GM_HONEST');
    peers.push(honest);
    await neverReadingStation(server.url, 'GM_SILENT');
    await honest.waitFor('device:connected', (e) => e.data.deviceId === 'GM_SILENT');
    expect((await honest.submit('tok001', 'Red')).status).toBe('accepted');
    const [gone] = await honest.waitFor('device:disconnected', (e) => e.data.deviceId === 'GM_SILENT');
    expect(gone!.data.reason).toBe('error');
    await waitUntil(() => server.orchestrator.show.connectedStations() === 1, 'the silent station is gone');
    expect((await honest.submit('tok002', 'Red')).status).toBe('accepted');
  });

  it('cuts a station whose unsent output passes the byte bound before any drain deadline', async () => {
    server = await startTestServer({ limits: { maxPendingBytes: 4000, drainTimeoutMs: 600_000, checkEveryMs: 100 } });
    const honest = await station(server.url, 'GM_HONEST');
    peers.push(honest);
    await neverReadingStation(server.url, 'GM_SILENT');
    await honest.waitFor('device:connected', (e) => e.data.deviceId === 'GM_SILENT');
    const tokens = ['tok001', 'tok002', 'tok003', 'tok004', 'grp001', 'grp002', 'grp003'];
    for (const token of tokens) await honest.submit(token, 'Red');
    const [gone] = await honest.waitFor('device:disconnected', (e) => e.data.deviceId === 'GM_SILENT');
    expect(gone!.data.reason).toBe('error');
  });
});
