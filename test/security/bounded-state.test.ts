import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncFull } from '../../src/contract/index.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { startTestServer, station, type Peer, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/temp-dir.js';
import { api } from '../support/http.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

async function gm(stationId: string): Promise<Peer> {
  const peer = await station(server.url, stationId);
  peers.push(peer);
  return peer;
}

describe('teams per session are capped and never made by a rejected scan', () => {
  // Finding: 8 stations made 1,440 teams in 20 s, rejected scans included.
  it('refuses a new team over MAX_TEAMS with TEAM_LIMIT; a rejected scan creates none', async () => {
    server = await startTestServer({ limits: { maxTeams: 3 } });
    const peer = await gm('GM_A');
    const junkStation = await gm('GM_JUNK');
    // Eight from another station, under the 10 a second submission limit of each.
    for (let i = 0; i < 8; i += 1) {
      const junk = await junkStation.request('transaction:submit', { tokenId: `nope${i}`, teamId: `junk-${i}` });
      expect(junk).toMatchObject({ ok: true, data: { status: 'rejected' } });
    }
    expect(server.orchestrator.show.state().scores).toEqual([]);
    expect((await peer.submit('tok001', 'Red')).status).toBe('accepted');
    // A duplicate registers its team (the GM meant a real team that was too late).
    expect((await peer.submit('tok001', 'Dup')).status).toBe('duplicate');
    expect((await peer.submit('tok002', 'Green')).status).toBe('accepted');
    const over = await peer.request('transaction:submit', { tokenId: 'tok004', teamId: 'Fourth' });
    expect(over).toMatchObject({ ok: false, error: { code: 'TEAM_LIMIT' } });
    expect(await peer.request('team:create', { name: 'Fifth' })).toMatchObject({ ok: false, error: { code: 'TEAM_LIMIT' } });
    const teams = server.orchestrator.show.state().teams.map((t) => t.teamId);
    expect(teams).toEqual(['Red', 'Dup', 'Green']);
    // The refused submission wrote nothing; an existing team still scores.
    expect(server.store.transactions(server.orchestrator.show.session!.id).some((t) => t.teamId === 'Fourth')).toBe(false);
    expect((await peer.submit('tok004', 'Red')).status).toBe('accepted');
  });
});

describe('player scanners are capped, in their own id space', () => {
  // Finding: 10 addresses × 20 heartbeats/s made 10,001 player devices and a 1.9 MB sync:full.
  it('refuses a new player device over MAX_PLAYER_DEVICES with DEVICE_LIMIT; the device list stays bounded', async () => {
    server = await startTestServer({ limits: { maxPlayerDevices: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const reply = await api(server.url, 'POST', '/api/heartbeat', { body: { deviceId: `player-${i}` } });
      statuses.push(reply.status);
      if (reply.status !== 200) expect(reply.body).toMatchObject({ code: 'DEVICE_LIMIT' });
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    // A scan from an unknown device over the cap is refused and not logged.
    const scan = await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok001', deviceId: 'player-99' } });
    expect(scan.status).toBe(429);
    expect(server.store.playerScans(server.orchestrator.show.session!.id)).toEqual([]);
    // Known devices keep working.
    expect((await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok001', deviceId: 'player-0' } })).status).toBe(200);
    const peer = await gm('GM_A');
    await peer.request('state:request', {});
    const [sync] = await peer.waitFor('sync:full');
    const devices = SyncFull.parse(sync!.data).devices;
    expect(devices.filter((d) => d.type === 'player')).toHaveLength(5);
  });

  // Finding: a player heartbeat with a GM station's id relisted the station as a player and let more stations in.
  it('refuses a player heartbeat or scan with a GM station\'s id, and the station count holds', async () => {
    server = await startTestServer({ maxStations: 1 });
    await gm('GM_01');
    for (const path of ['/api/heartbeat', '/api/scan']) {
      const reply = await api(server.url, 'POST', path, { body: { deviceId: 'GM_01', tokenId: 'tok001' } });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'INVALID_DATA', details: [{ field: 'deviceId' }] });
    }
    expect(server.orchestrator.show.connectedStations()).toBe(1);
    const second = await station(server.url, 'GM_02').catch((error: unknown) => error);
    expect(String(second)).toContain('DEVICE_LIMIT');
    const devices = server.orchestrator.show.syncPayload().devices;
    expect(devices).toEqual([expect.objectContaining({ deviceId: 'GM_01', type: 'gm', connectionStatus: 'connected' })]);
  });
});

describe('the video queue is capped', () => {
  // Finding: with VIDEO_BUSY_POLICY=queue, 380 anonymous scans queued 31 minutes of clips, restored after a restart.
  it('holds at most MAX_VIDEO_QUEUE waiting clips and one per player scanner; the rest get VIDEO_BUSY', async () => {
    const mediaDir = tempDir('queue-media-');
    writeFileSync(join(mediaDir, 'tok002.mp4'), 'clip');
    server = await startTestServer({ video: new FakeVideoPlayer(), mediaDir, videoBusyPolicy: 'queue', limits: { maxVideoQueue: 3 } });
    const scan = (deviceId: string) => api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok002', deviceId } });
    expect((await scan('p0')).status).toBe(200); // plays
    expect((await scan('p1')).status).toBe(200); // waits
    const again = await scan('p1');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'VIDEO_BUSY' });
    expect((await scan('p2')).status).toBe(200);
    expect((await scan('p3')).status).toBe(200);
    const full = await scan('p4');
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ code: 'VIDEO_BUSY', status: 'rejected' });
    expect(server.orchestrator.show.videoOverview().queue).toHaveLength(3);
    // An admin's play is bounded by the same cap.
    const token = await server.adminToken();
    const admin = await api(server.url, 'POST', '/api/video', { token, body: { action: 'play', tokenId: 'tok002' } });
    expect(admin.status).toBe(409);
    // After a restart the queue holds no more than before.
    const dataDir = server.dataDir;
    await server.stop();
    server = await startTestServer({ dataDir, video: new FakeVideoPlayer(), mediaDir, videoBusyPolicy: 'queue', limits: { maxVideoQueue: 1 } });
    expect(server.orchestrator.show.videoOverview().queue.length).toBeLessThanOrEqual(1);
  });
});
