import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GameState, VideoOverview, type VideoStatus } from '../../src/contract/index.js';
import type { BusyPolicy } from '../../src/domain/video-queue.js';
import { connect, station, type Peer, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/temp-dir.js';
import { api } from '../support/http.js';
import { mpvServersPerTest } from '../support/mpv.js';

const video = mpvServersPerTest('video', (clips) => {
  copyFileSync(clips.ok, join(clips.dir, 'tok002.mp4'));
  copyFileSync(clips.short, join(clips.dir, 'vid002.mp4'));
});

const peers: Peer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

async function startVideoServer(options: { busyPolicy?: BusyPolicy; dataDir?: string } = {}): Promise<TestServer> {
  const { server } = await video.start({
    ...(options.busyPolicy ? { videoBusyPolicy: options.busyPolicy } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  return server;
}

/** The video statuses a peer saw, without repeated progress reports. */
function sequence(peer: Peer, tokenId?: string): string[] {
  return peer
    .of('video:status')
    .map((e) => e.data)
    .filter((s: VideoStatus) => tokenId === undefined || s.tokenId === tokenId || s.status === 'idle')
    .map((s) => s.status)
    .filter((s, i, all) => !(s === 'playing' && all[i - 1] === 'playing'));
}

const scan = (s: TestServer, tokenId: string, deviceId = 'player-1') =>
  api(s.url, 'POST', '/api/scan', { body: { tokenId, deviceId } });

describe('a player scan of a video token', () => {
  it('plays the clip on the TV while every GM sees loading, playing, completed, idle', async () => {
    const s = await startVideoServer();
    const token = await s.adminToken();
    const [gm, admin] = await Promise.all([station(s.url, 'GM'), connect(s.url, { token })]);
    peers.push(gm, admin);
    const response = await scan(s, 'tok002');
    expect(response).toMatchObject({ status: 200, body: { status: 'accepted', tokenId: 'tok002', video: true } });
    const [playing] = await gm.waitFor('video:status', (e) => e.data.status === 'playing');
    expect(playing!.data).toMatchObject({ tokenId: 'tok002', duration: expect.closeTo(2, 0) as number });
    const during = GameState.parse((await api(s.url, 'GET', '/api/state')).body);
    expect(during.currentVideo).toMatchObject({ tokenId: 'tok002', requestedBy: 'player:player-1' });
    await gm.waitFor('video:status', (e) => e.data.status === 'idle' && gm.of('video:status').some((x) => x.data.status === 'completed'));
    expect(sequence(gm)).toEqual(['loading', 'playing', 'completed', 'idle']);
    await admin.waitFor('video:status', (e) => e.data.status === 'idle');
    expect(sequence(admin)).toEqual(sequence(gm));
    const after = GameState.parse((await api(s.url, 'GET', '/api/state')).body);
    expect(after.video).toEqual({ status: 'idle' });
    expect(after.currentVideo).toBeUndefined();
    // A station connecting now learns the TV's status from gm:identified.
    const late = await connect(s.url);
    peers.push(late);
    expect((await late.identify('LATE')).state.video).toEqual({ status: 'idle' });
  });

  it('refuses a second video while one plays with 409 VIDEO_BUSY, logging the scan', async () => {
    const s = await startVideoServer();
    const gm = await station(s.url, 'GM');
    peers.push(gm);
    await scan(s, 'tok002');
    await gm.waitFor('video:status', (e) => e.data.status === 'playing');
    const busy = await scan(s, 'vid002', 'player-2');
    expect(busy).toMatchObject({
      status: 409,
      body: { code: 'VIDEO_BUSY', message: 'Memory processing, try again', status: 'rejected' },
    });
    expect(s.store.playerScans(s.orchestrator.show.session!.id).map((x) => x.tokenId)).toEqual(['tok002', 'vid002']);
    await gm.waitFor('video:status', (e) => e.data.status === 'idle');
    expect(gm.of('video:status').some((e) => e.data.tokenId === 'vid002')).toBe(false);
    // Scanning a token without a video while busy is a normal accept.
    await scan(s, 'tok002');
    expect((await scan(s, 'tok001', 'player-3')).status).toBe(200);
  });

  it('queues instead with VIDEO_BUSY_POLICY=queue and plays each in turn', async () => {
    const s = await startVideoServer({ busyPolicy: 'queue' });
    const gm = await station(s.url, 'GM');
    peers.push(gm);
    expect((await scan(s, 'tok002')).status).toBe(200);
    expect((await scan(s, 'vid002')).status).toBe(200);
    await gm.waitFor('video:status', (e) => e.data.status === 'completed' && e.data.tokenId === 'vid002');
    const completed = gm.of('video:status').filter((e) => e.data.status === 'completed').map((e) => e.data.tokenId);
    expect(completed).toEqual(['tok002', 'vid002']);
  });

  it('tells GMs, not the player, when the file is missing, and the game goes on', async () => {
    const s = await startVideoServer();
    const gm = await station(s.url, 'GM');
    peers.push(gm);
    expect(await scan(s, 'vid404')).toMatchObject({ status: 200, body: { status: 'accepted', video: true } });
    const [error] = await gm.waitFor('video:status', (e) => e.data.status === 'error');
    expect(error!.data).toMatchObject({ tokenId: 'vid404', error: expect.stringContaining('missing.mp4') as string });
    await gm.waitFor('video:status', (e) => e.data.status === 'idle');
    expect((await gm.submit('tok001', 'Red', 'GM')).status).toBe('accepted');
    await scan(s, 'vid002');
    await gm.waitFor('video:status', (e) => e.data.status === 'completed' && e.data.tokenId === 'vid002');
  });
});

describe('admin video controls', () => {
  it('plays, pauses, resumes, skips and stops over HTTP', async () => {
    const s = await startVideoServer();
    const token = await s.adminToken();
    const gm = await station(s.url, 'GM');
    peers.push(gm);
    const play = await api(s.url, 'POST', '/api/video', { token, body: { action: 'play', tokenId: 'tok002' } });
    expect(play.status).toBe(200);
    expect(VideoOverview.parse(play.body).current).toMatchObject({ tokenId: 'tok002', requestedBy: 'admin', status: 'playing' });
    await gm.waitFor('video:status', (e) => e.data.status === 'playing');
    await api(s.url, 'POST', '/api/video', { token, body: { action: 'play', tokenId: 'vid002' } });
    const queued = VideoOverview.parse((await api(s.url, 'GET', '/api/video', { token })).body);
    expect(queued.queue.map((i) => i.tokenId)).toEqual(['vid002']);
    await api(s.url, 'POST', '/api/video', { token, body: { action: 'pause' } });
    await gm.waitFor('video:status', (e) => e.data.status === 'paused');
    await api(s.url, 'POST', '/api/video', { token, body: { action: 'resume' } });
    await gm.waitFor('video:status', (e) => e.data.status === 'playing' && gm.of('video:status').some((x) => x.data.status === 'paused'));
    await api(s.url, 'POST', '/api/video', { token, body: { action: 'skip' } });
    await gm.waitFor('video:status', (e) => e.data.status === 'playing' && e.data.tokenId === 'vid002');
    await api(s.url, 'POST', '/api/video', { token, body: { action: 'stop' } });
    await gm.waitFor('video:status', (e) => e.data.status === 'idle');
    expect(gm.of('video:status').some((e) => e.data.status === 'completed')).toBe(false);
    const bad = await api(s.url, 'POST', '/api/video', { token, body: { action: 'play' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    const noVideo = await api(s.url, 'POST', '/api/video', { token, body: { action: 'play', tokenId: 'tok001' } });
    expect(noVideo).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    expect(await api(s.url, 'POST', '/api/video', { body: { action: 'stop' } })).toMatchObject({ status: 401 });
  });

  it('accepts video:control from an admin connection only', async () => {
    const s = await startVideoServer();
    const token = await s.adminToken();
    const [admin, gm] = await Promise.all([connect(s.url, { token }), station(s.url, 'GM')]);
    peers.push(admin, gm);
    expect(await gm.request('video:control', { action: 'play', tokenId: 'tok002' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_REQUIRED' },
    });
    const ack = await admin.request('video:control', { action: 'play', tokenId: 'vid002' });
    expect(ack).toMatchObject({ ok: true, data: { current: { tokenId: 'vid002' } } });
    await admin.waitFor('video:status', (e) => e.data.status === 'completed');
  });

  it('returns the TV to idle on a game reset', async () => {
    const s = await startVideoServer();
    const token = await s.adminToken();
    const gm = await station(s.url, 'GM');
    peers.push(gm);
    await scan(s, 'tok002');
    await gm.waitFor('video:status', (e) => e.data.status === 'playing');
    expect((await api(s.url, 'POST', '/api/reset', { token })).status).toBe(200);
    await gm.waitFor('video:status', (e) => e.data.status === 'idle');
    expect(gm.of('video:status').some((e) => e.data.status === 'completed')).toBe(false);
    expect(VideoOverview.parse((await api(s.url, 'GET', '/api/video', { token })).body)).toMatchObject({ queue: [] });
  });
});

describe('restart with videos pending', () => {
  it('fails the interrupted clip and plays the queued one after a restart', async () => {
    const dataDir = tempDir('video-restart-');
    const { server: first, player } = await video.start({ videoBusyPolicy: 'queue', dataDir });
    const gm = await station(first.url, 'GM');
    await scan(first, 'tok002');
    await scan(first, 'vid002');
    await gm.waitFor('video:status', (e) => e.data.status === 'playing');
    gm.close();
    // The orchestrator goes away mid-play (the store keeps what it had written).
    await first.stop();
    await player.close();

    const second = await startVideoServer({ busyPolicy: 'queue', dataDir });
    const token = await second.adminToken();
    const watcher = await connect(second.url, { token });
    peers.push(watcher);
    const overview = VideoOverview.parse((await api(second.url, 'GET', '/api/video', { token })).body);
    expect(overview.current?.tokenId).toBe('vid002');
    await watcher.waitFor('video:status', (e) => e.data.status === 'completed' && e.data.tokenId === 'vid002');
    expect(second.store.unfinishedVideoItems()).toEqual([]);
    const db = new Database(join(dataDir, 'orchestrator.db'), { readonly: true });
    const items = db.prepare('SELECT token_id, status, reason FROM video_items ORDER BY seq').all();
    db.close();
    expect(items).toEqual([
      { token_id: 'tok002', status: 'failed', reason: expect.stringContaining('interrupted') as string },
      { token_id: 'vid002', status: 'completed', reason: null },
    ]);
  });
});
