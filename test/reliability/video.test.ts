import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope, VideoStatus } from '../../src/contract/index.js';
import type { BusyPolicy } from '../../src/domain/video-queue.js';
import type { MpvProcess } from '../../src/adapters/mpv/mpv-process.js';
import { station, type Peer, type TestServer } from '../support/harness.js';
import { api } from '../support/http.js';
import { mpvServersPerTest } from '../support/mpv.js';
import { bounded } from '../support/reliability.js';

/**
 * Video: real headless mpv (`--vo=null --ao=null`) playing clips ffmpeg made. mpv is killed
 * with SIGKILL mid-play ten times in a row: each time the stations see a `video:status`
 * error, mpv comes back, and the next video plays to the end. A missing clip and a corrupt
 * one (random bytes named .mp4) fail with an error status and never stop the queue.
 */

const KILLS = 10;
const STEP_TIMEOUT_MS = 15_000;

let tokensFile: string;
const video = mpvServersPerTest('reliability', (clips) => {
  copyFileSync(clips.ok, join(clips.dir, 'long.mp4'));
  tokensFile = join(clips.dir, 'tokens.json');
  const token = (id: string, video: string) => ({
    SF_RFID: id,
    SF_ValueRating: 1,
    SF_MemoryType: 'Personal',
    SF_Group: '',
    image: null,
    audio: null,
    video,
    processingImage: null,
  });
  writeFileSync(
    tokensFile,
    JSON.stringify({
      clip01: token('clip01', 'ok.mp4'),
      short1: token('short1', 'short.mp4'),
      miss01: token('miss01', 'not-there.mp4'),
      bad001: token('bad001', 'corrupt.mp4'),
      trunc1: token('trunc1', 'truncated.mp4'),
    }),
  );
});

let mpv: MpvProcess | undefined;
const peers: Peer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

async function startVideoServer(videoBusyPolicy: BusyPolicy): Promise<{ s: TestServer; gm: Peer }> {
  let server: TestServer;
  ({ server, mpv } = await video.start({ tokensFile, videoBusyPolicy }));
  const gm = await station(server.url, 'GM_VIDEO');
  peers.push(gm);
  return { s: server, gm };
}

/** A scan from its own player scanner by default: the queue holds one waiting clip per scanner. */
const scan = (s: TestServer, tokenId: string, deviceId = `player-${tokenId}`) => api(s.url, 'POST', '/api/scan', { body: { tokenId, deviceId } });

describe('mpv killed mid-play', () => {
  it(`reports the error, comes back and plays the next video, ${KILLS} times in a row`, async () => {
    const { s, gm } = await startVideoServer('reject');
    const pids: number[] = [];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const context = `kill ${kill}`;
      const from = gm.received.length;
      /** A status this round (not one of an earlier round) matching `pred`. */
      const after = (pred: (status: VideoStatus) => boolean) => (e: Envelope<'video:status'>) => gm.received.indexOf(e) >= from && pred(e.data);

      expect((await scan(s, 'clip01')).status, context).toBe(200);
      await gm.waitFor('video:status', after((v) => v.status === 'playing' && v.tokenId === 'clip01'), 1, STEP_TIMEOUT_MS);
      const pid = mpv!.pid;
      expect(pid, context).toBeDefined();
      pids.push(pid!);
      const back = new Promise<void>((resolve) => mpv!.once('ready', () => resolve()));
      process.kill(pid!, 'SIGKILL');

      const [failed] = await gm.waitFor('video:status', after((v) => v.status === 'error' && v.tokenId === 'clip01'), 1, STEP_TIMEOUT_MS);
      expect(failed!.data.error, context).toEqual(expect.any(String));
      await bounded(back, STEP_TIMEOUT_MS, `${context}: mpv to come back`);
      expect(mpv!.pid, context).not.toBe(pid);

      expect((await scan(s, 'short1')).status, context).toBe(200);
      await gm.waitFor('video:status', after((v) => v.status === 'completed' && v.tokenId === 'short1'), 1, STEP_TIMEOUT_MS);
    }
    expect(new Set(pids).size).toBe(KILLS);
    // The game never noticed: a transaction still goes through.
    expect((await gm.submit('clip01', 'Red', 'GM_VIDEO')).status).toBe('accepted');
  }, 180_000);
});

describe('bad clips in the queue', () => {
  it('fails a missing and a corrupt clip with an error status and plays what comes after', async () => {
    const { s, gm } = await startVideoServer('queue');
    for (const tokenId of ['miss01', 'bad001', 'trunc1', 'short1']) expect((await scan(s, tokenId)).status).toBe(200);
    await gm.waitFor('video:status', (e) => e.data.status === 'completed' && e.data.tokenId === 'short1', 1, STEP_TIMEOUT_MS * 2);
    const outcome = (tokenId: string) =>
      gm
        .of('video:status')
        .map((e) => e.data)
        .filter((v) => v.tokenId === tokenId && (v.status === 'error' || v.status === 'completed'))
        .map((v) => v.status);
    expect(outcome('miss01')).toEqual(['error']);
    expect(outcome('bad001')).toEqual(['error']);
    expect(outcome('trunc1')).toHaveLength(1); // a cut-off clip plays what it has, then ends (early)
    expect(outcome('short1')).toEqual(['completed']);
    // And again in the other order: the queue is not stuck after its failures.
    for (const tokenId of ['bad001', 'miss01', 'short1']) expect((await scan(s, tokenId)).status).toBe(200);
    await gm.waitFor('video:status', (e) => e.data.status === 'completed' && e.data.tokenId === 'short1', 2, STEP_TIMEOUT_MS * 2);
    const overview = await api(s.url, 'GET', '/api/video', { token: await s.adminToken() });
    expect(overview.body).toMatchObject({ queue: [] });
  }, 120_000);
});
