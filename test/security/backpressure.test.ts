import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, station, type Peer, type TestServer } from '../support/harness.js';
import { until } from '../support/reliability.js';
import { neverReadingStation } from '../support/security.js';

// Finding: connections that never read stayed open past the 30 s ping timeout and kept
// buffering (789 MB of socket write buffers in one run). Now a connection whose output is not
// drained, or grows past a bound, is cut and its departure reported as `error`.

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

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
    await until(() => server.orchestrator.show.connectedStations() === 1, 'the silent station is gone', 10_000, 50);
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
