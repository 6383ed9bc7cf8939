import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_MAIN, spawnListeningNode, type BuiltServer } from '../../scripts/lib/built-server.js';
import { GameState } from '../../src/contract/index.js';
import type { MpvPlayer } from '../../src/adapters/mpv/mpv-player.js';
import { makeClips, type Clips } from '../support/clips.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { mpvWithoutSound, StatusLog } from '../support/mpv.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * What the stations are told about the TV is what the room gets: a clip whose picture played
 * is completed even without sound, the missing sound is said once, and a machine without any
 * display says so instead of playing clips to nobody.
 */

interface LogLine {
  level: number;
  msg: string;
  tokenId?: string;
}

const scan = (url: string, tokenId: string, deviceId: string) => api(url, 'POST', '/api/scan', { body: { tokenId, deviceId } });

describe('a TV whose audio output cannot open', () => {
  let clips: Clips;
  let dir: string | undefined;
  let player: MpvPlayer | undefined;
  let server: TestServer | undefined;
  const peers: Peer[] = [];
  beforeAll(() => {
    clips = makeClips(tempDir('tv-status-clips-'));
    copyFileSync(clips.short, join(clips.dir, 'tok002.mp4'));
  });
  afterAll(() => {
    rmSync(clips.dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await server?.destroy();
    await player?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('completes the clips of two scans, and every station learns once that there is no sound', async () => {
    dir = tempDir('tv-status-mpv-');
    const lines: LogLine[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    ({ player } = mpvWithoutSound(dir, clips.idle, logger));
    const log = new StatusLog(player);
    await player.start();
    await log.waitFor((s) => s.status === 'idle');
    server = await startTestServer({ video: player, mediaDir: clips.dir, logger });
    const gm = await station(server.url, 'GM');
    peers.push(gm);

    for (const deviceId of ['player-1', 'player-2']) {
      const from = log.statuses.length;
      expect((await scan(server.url, 'tok002', deviceId)).status).toBe(200);
      await log.waitFor((s) => s.status === 'idle', from);
      expect(log.sequence(from)).toEqual(['loading', 'playing', 'completed', 'idle']);
    }

    const [update] = await gm.waitFor('state:update', (e) => e.data.systemStatus.audioReady === false);
    expect(update!.data.systemStatus).toMatchObject({ audioReady: false, videoDisplayReady: true });
    const completed = gm.of('video:status').filter((e) => e.data.status === 'completed');
    expect(completed.map((e) => e.data.tokenId)).toEqual(['tok002', 'tok002']);
    expect(gm.of('video:status').filter((e) => e.data.status === 'error')).toEqual([]);
    const state = GameState.parse(okBody(await api(server.url, 'GET', '/api/state'), 'GET /api/state'));
    expect(state.systemStatus.audioReady).toBe(false);
    expect(lines.filter((line) => line.level >= 40 && /sound/.test(line.msg))).toHaveLength(1);
  });
});

describe('the TV unplugged from the Pi', () => {
  let server: TestServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await server?.destroy();
  });

  it('is reported not ready to every station until it is plugged back', async () => {
    server = await startTestServer({ video: new FakeVideoPlayer({ displayReady: true }) });
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    const show = server.orchestrator.show;
    expect(show.state().systemStatus.videoDisplayReady).toBe(true);
    show.displayConnection(false);
    await gm.waitFor('state:update', (e) => e.data.systemStatus.displayConnected === false && !e.data.systemStatus.videoDisplayReady);
    show.displayConnection(true);
    await gm.waitFor('state:update', (e) => e.data.systemStatus.displayConnected === true && e.data.systemStatus.videoDisplayReady);
  });
});

describe('the built server on a machine without any display', () => {
  let dir: string | undefined;
  let server: BuiltServer | undefined;
  const peers: Peer[] = [];
  beforeAll(() => {
    if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` first (the npm scripts do)`);
  });
  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    server = undefined;
  });

  it('says so once, reports the TV not ready, and answers video scans with an error status', async () => {
    dir = tempDir('tv-status-no-display-');
    const media = join(dir, 'media');
    mkdirSync(media);
    writeFileSync(join(media, 'tok002.mp4'), 'never read: no player is started');
    const lines: LogLine[] = [];
    server = await spawnListeningNode(BUILT_MAIN, {
      // Only PATH and these reach the server: no DISPLAY, no WAYLAND_DISPLAY, and an empty
      // host root (not a Pi, no /sys/class/drm). mpv is on PATH: it must not be started.
      env: {
        DATA_DIR: join(dir, 'data'),
        ADMIN_PASSWORD: 'no-display-admin',
        TOKENS_FILE: FIXTURE_TOKENS,
        MEDIA_DIR: media,
        HOST_ROOT: join(dir, 'host'),
        VIDEO_PLAYER: 'mpv',
        VIDEO_OUTPUT: 'auto',
        // The TV's mpv is the subject: no sound mpv, no HTTPS port that parallel servers share.
        SOUND_PLAYER: 'none',
        HTTPS_PORT: 'none',
        IDLE_MEDIA: 'none',
        RESET_BUTTON_DRIVER: 'none',
        LOG_LEVEL: 'info',
      },
      listening: 'orchestrator listening',
      onLine: (line) => {
        try {
          lines.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
      },
    });
    const { url } = server;
    const gm = await station(url, 'GM');
    peers.push(gm);
    expect((await scan(url, 'tok002', 'player-1')).status).toBe(200);
    expect((await scan(url, 'tok002', 'player-2')).status).toBe(200);
    const errors = await gm.waitFor('video:status', (e) => e.data.status === 'error', 2);
    expect(errors.map((e) => e.data)).toEqual([
      { status: 'error', tokenId: 'tok002', error: expect.stringContaining('no display was found') as string },
      { status: 'error', tokenId: 'tok002', error: expect.stringContaining('no display was found') as string },
    ]);
    const state = GameState.parse(okBody(await api(url, 'GET', '/api/state'), 'GET /api/state'));
    expect(state.systemStatus.videoDisplayReady).toBe(false);
    expect(state.video).toEqual({ status: 'idle' });
    expect(lines.filter((line) => line.msg.startsWith('no display found'))).toEqual([expect.objectContaining({ level: 40 })]);
    expect(lines.filter((line) => /^mpv /.test(line.msg))).toEqual([]);
  });
});
