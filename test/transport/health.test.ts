import { afterEach, describe, expect, it } from 'vitest';
import { StatusResponse, type HealthSample } from '../../src/contract/index.js';
import type { HealthSource } from '../../src/ports/health-source.js';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api } from '../support/http.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

const clear = { underVoltageNow: false, frequencyCappedNow: false, throttledNow: false, softTemperatureLimitNow: false, underVoltageSinceBoot: false, frequencyCappedSinceBoot: false, throttledSinceBoot: false, softTemperatureLimitSinceBoot: false };

/** Health values recorded from a Pi 4 on a weak power supply, then a good one. */
class RecordedHealth implements HealthSource {
  calls = 0;
  constructor(private readonly samples: HealthSample[]) {}
  sample(): Promise<HealthSample> {
    const sample = this.samples[Math.min(this.calls, this.samples.length - 1)]!;
    this.calls += 1;
    return Promise.resolve(sample);
  }
}

const weakSupply: HealthSample = {
  sampledAt: '2026-11-25T20:00:00.000Z',
  load1: 0.42,
  cpuPercent: 12.5,
  memory: { totalBytes: 4_124_000_000, availableBytes: 3_400_000_000 },
  disk: { path: '/var/lib/orchestrator', freeBytes: 21_000_000_000, totalBytes: 29_000_000_000 },
  uptimeSeconds: 5400,
  temperatureC: 58.4,
  throttling: { ...clear, underVoltageNow: true, underVoltageSinceBoot: true, throttledSinceBoot: true },
};

describe('appliance health', () => {
  it('samples on an interval, serves it to admin and warns every station of under-voltage', async () => {
    const health = new RecordedHealth([weakSupply]);
    server = await startTestServer({ health, timing: { healthIntervalMs: 60_000 } });
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    const token = await server.adminToken();
    expect((await api(server.url, 'GET', '/api/status')).status).toBe(401);
    const status = StatusResponse.parse((await api(server.url, 'GET', '/api/status', { token })).body);
    expect(status.health).toEqual(weakSupply);
    expect(status.system).toMatchObject({ underVoltage: true, orchestratorOnline: true });
    // Requests read the last sample: they never trigger one.
    await api(server.url, 'GET', '/api/status', { token });
    expect(health.calls).toBe(1);
    await gm.submit('tok001', 'Red', 'GM');
    const [update] = await gm.waitFor('state:update', (e) => e.data.systemStatus.underVoltage === true);
    expect(update!.data.systemStatus.underVoltage).toBe(true);
  });
});

describe('the TV connection', () => {
  it('goes to every station and /api/status when the TV is unplugged and plugged back', async () => {
    server = await startTestServer();
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    const show = server.orchestrator.show;
    show.displayConnection(true);
    await gm.waitFor('state:update', (e) => e.data.systemStatus.displayConnected === true);
    show.displayConnection(false);
    show.displayConnection(false);
    await gm.waitFor('state:update', (e) => e.data.systemStatus.displayConnected === false);
    const token = await server.adminToken();
    const status = StatusResponse.parse((await api(server.url, 'GET', '/api/status', { token })).body);
    expect(status.system.displayConnected).toBe(false);
    show.displayConnection(true);
    const [back] = await gm.waitFor('state:update', (e) => e.data.systemStatus.displayConnected === true);
    expect(back!.data.systemStatus.displayConnected).toBe(true);
  });
});
