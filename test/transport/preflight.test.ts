import { createSocket, type Socket } from 'node:dgram';
import { copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PiHealth } from '../../src/adapters/health/pi-health.js';
import { CuesFile, PreflightReport, type PreflightCheck } from '../../src/contract/index.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';

const demoClip = new URL('../../demo/media/hos001.mp4', import.meta.url).pathname;
const demoSound = new URL('../../demo/media/sting.wav', import.meta.url).pathname;

let server: TestServer | undefined;
const peers: Peer[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  for (const close of closers.splice(0)) await close();
  await server?.destroy();
  server = undefined;
});

/** The fixture tokens' clips: tok002.mp4 and vid002.mp4 present, vid404's missing.mp4 only with `complete`. */
function mediaFolder(complete: boolean): string {
  const dir = tempDir('preflight-media-');
  for (const name of ['tok002.mp4', 'vid002.mp4', ...(complete ? ['missing.mp4'] : [])]) copyFileSync(demoClip, join(dir, name));
  copyFileSync(demoSound, join(dir, 'sting.wav'));
  return dir;
}

/** The preflight as the admin page asks for it; `null` sends no browser time. */
async function preflight(target: TestServer, browserTime: number | null = Date.now()): Promise<PreflightReport> {
  const query = browserTime === null ? '' : `?browserTime=${encodeURIComponent(new Date(browserTime).toISOString())}`;
  return PreflightReport.parse(okBody(await api(target.url, 'GET', `/api/preflight${query}`, { token: await target.adminToken() }), 'preflight'));
}

function check(report: PreflightReport, id: PreflightCheck['id']): PreflightCheck {
  const found = report.checks.find((each) => each.id === id);
  if (!found) throw new Error(`no ${id} check in ${JSON.stringify(report)}`);
  return found;
}

async function httpTarget(): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  const hook: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.end();
  });
  await new Promise<void>((listening) => hook.listen(0, '127.0.0.1', listening));
  closers.push(() => new Promise((closed) => hook.close(() => closed())));
  return { port: (hook.address() as AddressInfo).port, requests };
}

async function oscTarget(): Promise<{ port: number; packets: () => number }> {
  const udp: Socket = createSocket('udp4');
  let packets = 0;
  udp.on('message', () => (packets += 1));
  await new Promise<void>((bound) => udp.bind(0, '127.0.0.1', bound));
  closers.push(() => new Promise((closed) => udp.close(() => closed())));
  return { port: udp.address().port, packets: () => packets };
}

describe('GET /api/preflight', () => {
  it('is for admins only, and refuses a malformed browser time or an unknown parameter', async () => {
    server = await startTestServer();
    expect((await api(server.url, 'GET', '/api/preflight')).status).toBe(401);
    const token = await server.adminToken();
    expect(await api(server.url, 'GET', '/api/preflight?browserTime=yesterday', { token })).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    expect(await api(server.url, 'GET', '/api/preflight?verbose=1', { token })).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
  });

  it('names the missing clip and the unreachable cue target, finds the live ones without cueing them, and is not ready', async () => {
    const lights = await httpTarget();
    const desk = await oscTarget();
    const cues = CuesFile.parse([
      { id: 'lights', name: 'Lights', actions: [{ http: { method: 'POST', url: `http://127.0.0.1:${lights.port}/go` } }] },
      { id: 'desk', name: 'Desk', trigger: 'group:completed', actions: [{ osc: { host: '127.0.0.1', port: desk.port, address: '/cue/go' } }, { sound: 'sting.wav' }] },
      { id: 'fog', name: 'Fog machine', actions: [{ http: { method: 'GET', url: 'http://127.0.0.1:9/fog' } }] },
    ]);
    server = await startTestServer({ video: new FakeVideoPlayer(), mediaDir: mediaFolder(false), cues });
    const report = await preflight(server);

    expect(report.ready).toBe(false);
    expect(report.summary).toBe('Not ready: 3 checks failed (Sound, Media files, Cue targets)');
    expect(check(report, 'tv')).toMatchObject({ status: 'ok', detail: 'Connected and showing the welcome screen.' });
    // No sound player in this server, and a cue plays a sound.
    expect(check(report, 'audio')).toMatchObject({ status: 'failed', detail: expect.stringContaining('1 cue play a sound') as string });
    const media = check(report, 'media');
    expect(media.status).toBe('failed');
    expect(media.items).toEqual(["missing.mp4 (token vid404's clip): missing from the media folder"]);
    const targets = check(report, 'cue-targets');
    expect(targets.status).toBe('failed');
    expect(targets.detail).toBe('1 target of 3 cannot be reached: HTTP 127.0.0.1:9.');
    expect(targets.items).toEqual([
      'HTTP 127.0.0.1:9 (cue fog): nothing listens on TCP port 9',
      `HTTP 127.0.0.1:${lights.port} (cue lights): accepts connections`,
      `OSC 127.0.0.1:${desk.port} (cue desk): a program listens on UDP port ${desk.port}`,
    ]);
    expect(lights.requests).toEqual([]);
    expect(desk.packets()).toBe(0);
    expect(check(report, 'session').status).toBe('ok');
    expect(check(report, 'clock').status).toBe('ok');
  });

  it('warns about a clock off by more than two minutes, and counts the GM stations connected', async () => {
    server = await startTestServer({ video: new FakeVideoPlayer(), mediaDir: mediaFolder(true) });
    let report = await preflight(server, Date.now() + 10 * 60_000);
    expect(check(report, 'clock')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/^The Pi's clock is 10 minutes behind this device's/) as string });
    expect(check(report, 'stations')).toMatchObject({ status: 'warning', detail: 'No GM station is connected.' });
    expect((await preflight(server, null)).checks.find((each) => each.id === 'clock')?.status).toBe('warning');

    peers.push(await station(server.url, 'GM_ONE'), await station(server.url, 'GM_TWO'));
    report = await preflight(server);
    expect(check(report, 'stations')).toMatchObject({ status: 'ok', detail: '2 GM stations connected.' });
    expect(check(report, 'clock').status).toBe('ok');
  });

  it('says "Ready for the show" when nothing failed, warnings and all', async () => {
    const dataDir = tempDir('preflight-data-');
    server = await startTestServer({ dataDir, video: new FakeVideoPlayer(), mediaDir: mediaFolder(true), health: new PiHealth('/', dataDir) });
    const report = await preflight(server);
    expect(report.checks.filter((each) => each.status === 'failed')).toEqual([]);
    expect(report.ready).toBe(true);
    expect(report.summary).toMatch(/^Ready for the show/);
    expect(check(report, 'media')).toMatchObject({ status: 'ok', detail: 'All 3 files named by the tokens and cues are present and readable.' });
    expect(check(report, 'disk').detail).toMatch(/ free of /);
    expect(check(report, 'button').status).toBe('warning');
  });

  it('fails the TV when the player has no screen', async () => {
    server = await startTestServer({ video: new FakeVideoPlayer({ displayReady: false }), mediaDir: mediaFolder(true) });
    const report = await preflight(server);
    expect(check(report, 'tv').status).toBe('failed');
    expect(report.ready).toBe(false);
  });
});

