import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { MpvProcess } from '../../src/adapters/mpv/mpv-process.js';
import { MpvSoundPlayer, soundArgs } from '../../src/adapters/mpv/sound-player.js';
import { MediaFolder } from '../../src/adapters/video/media-folder.js';
import { tempDir } from '../support/temp-dir.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from 'node-osc';
import { afterEach, describe, expect, it } from 'vitest';
import { CueFired, CuesFile, CueView, GameState, SessionExport, type Cue } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';

/** What the show-control rigs beside the appliance received: OSC over UDP and HTTP requests, in arrival order. */
class ShowControlRig {
  readonly received: string[] = [];
  private udp: Socket | undefined;
  private http: Server | undefined;
  oscPort = 0;
  httpPort = 0;

  async start(): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (packet) => {
      const message = decode(packet) as { address: string; args: Array<{ value: unknown }> };
      this.received.push(`osc ${message.address} ${JSON.stringify(message.args.map((arg) => arg.value))}`);
    });
    await new Promise<void>((bound) => udp.bind(0, '127.0.0.1', bound));
    this.udp = udp;
    this.oscPort = udp.address().port;
    const http = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.received.push(`http ${req.method} ${req.url} ${body}`);
        res.end('ok');
      });
    });
    await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening));
    this.http = http;
    this.httpPort = (http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise((closed) => (this.http ? this.http.close(closed) : closed(undefined)));
  }

  cues(): Cue[] {
    const osc = (address: string, args: Array<string | number> = []) => ({ osc: { host: '127.0.0.1', port: this.oscPort, address, args } });
    const http = (method: 'GET' | 'POST', path: string, body?: unknown) => ({
      http: { method, url: `http://127.0.0.1:${this.httpPort}${path}`, ...(body === undefined ? {} : { body }) },
    });
    return CuesFile.parse([
      { id: 'pair-done', name: 'Pair complete', trigger: 'group:completed', when: { group: 'Pair' }, actions: [osc('/group', ['Pair', 1]), http('POST', '/group', { group: 'Pair' })] },
      { id: 'ten-minutes', name: 'Ten minutes in', trigger: 'clock:at', at: '00:10:00', actions: [http('POST', '/clock', { minutes: 10 }), osc('/clock', [10])] },
      {
        id: 'raid',
        name: 'Police raid',
        actions: [osc('/raid/red', [1]), { wait: 0.05 }, http('GET', '/raid'), { message: 'Police raid!', seconds: 60 }, osc('/raid/red', [0])],
      },
      // Port 9 (discard) has no listener here: the connection is refused.
      { id: 'unreachable', name: 'Unreachable', actions: [{ http: { method: 'GET', url: 'http://127.0.0.1:9/' } }, osc('/after-failure')] },
    ]);
  }

  /** Resolves once `count` payloads arrived, with a bounded wait. */
  async waitFor(count: number): Promise<string[]> {
    const deadline = Date.now() + 5000;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} payloads: ${JSON.stringify(this.received)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [...this.received];
  }
}

let server: TestServer | undefined;
let rig: ShowControlRig | undefined;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server?.destroy();
  server = undefined;
  await rig?.stop();
  rig = undefined;
});

async function admin(s: TestServer): Promise<{ token: string; peer: Peer }> {
  const token = await s.adminToken();
  const peer = await connect(s.url, { token });
  peers.push(peer);
  return { token, peer };
}

describe('cues over a real server', () => {
  it('sends OSC and HTTP once, in order, on a group completion, a clock time and a manual fire; not again after a restart', async () => {
    rig = new ShowControlRig();
    await rig.start();
    const cues = rig.cues();
    server = await startTestServer({ cues });
    const { token, peer } = await admin(server);

    const gm = await station(server.url, 'GM_CUES');
    peers.push(gm);
    await gm.submit('pair01', '001');
    expect(rig.received).toEqual([]);
    await gm.submit('pair02', '001');
    expect(await rig.waitFor(2)).toEqual(['osc /group ["Pair",1]', 'http POST /group {"group":"Pair"}']);
    const [groupFired] = await peer.waitFor('cue:fired', (envelope) => envelope.data.cueId === 'pair-done');
    expect(CueFired.parse(groupFired?.data)).toMatchObject({ trigger: 'group:completed', results: [{ action: 'osc', ok: true }, { action: 'http', ok: true }] });

    okBody(await api(server.url, 'PATCH', '/api/session/clock', { token, body: { adjustSeconds: 601 } }), 'clock');
    expect((await rig.waitFor(4)).slice(2)).toEqual(['http POST /clock {"minutes":10}', 'osc /clock [10]']);

    const fired = await api(server.url, 'POST', '/api/cues/raid/fire', { token });
    expect(CueFired.parse(okBody(fired, 'fire'))).toMatchObject({ cueId: 'raid', trigger: 'manual', results: [{ ok: true }, { ok: true }, { ok: true }, { action: 'message', ok: true }, { ok: true }] });
    expect(GameState.parse(okBody(await api(server.url, 'GET', '/api/state'), 'state')).display?.message).toBe('Police raid!');
    expect(server.orchestrator.show.state().display).toEqual({ mode: 'scoreboard', message: 'Police raid!' });
    expect(rig.received.slice(4)).toEqual(['osc /raid/red [1]', 'http GET /raid ', 'osc /raid/red [0]']);

    const failing = CueFired.parse(okBody(await api(server.url, 'POST', '/api/cues/unreachable/fire', { token }), 'fire'));
    expect(failing.results).toMatchObject([{ action: 'http', ok: false, error: expect.stringMatching(/127\.0\.0\.1:9/) as unknown }, { action: 'osc', ok: true }]);
    await peer.waitFor('cue:fired', () => true, 4);
    expect(peer.of('cue:fired').map((envelope) => envelope.data.cueId)).toEqual(['pair-done', 'ten-minutes', 'raid', 'unreachable']);

    expect((await api(server.url, 'POST', '/api/cues/nope/fire', { token })).status).toBe(404);
    const switched = CueView.parse(okBody(await api(server.url, 'PATCH', '/api/cues/pair-done', { token, body: { enabled: false } }), 'switch'));
    expect(switched.enabled).toBe(false);
    expect((await api(server.url, 'PATCH', '/api/cues/pair-done', { token, body: { enabled: 'no' } })).status).toBe(400);

    const sessionId = server.orchestrator.show.session!.id;
    const exported = SessionExport.parse(okBody(await api(server.url, 'GET', `/api/sessions/${sessionId}/export`, { token }), 'export'));
    expect(exported.cues?.map((firing) => [firing.cueId, firing.trigger])).toEqual([
      ['pair-done', 'group:completed'],
      ['ten-minutes', 'clock:at'],
      ['raid', 'manual'],
      ['unreachable', 'manual'],
    ]);

    // A restart on the same data: the clock cue already fired and staff's switch holds.
    const dataDir = server.dataDir;
    await server.stop();
    const sent = rig.received.length;
    server = await startTestServer({ dataDir, cues });
    const again = await admin(server);
    okBody(await api(server.url, 'PATCH', '/api/session/clock', { token: again.token, body: { adjustSeconds: 60 } }), 'clock');
    const list = okBody(await api(server.url, 'GET', '/api/cues', { token: again.token }), 'cues') as CueView[];
    expect(list.map(({ id, enabled, firedCount }) => ({ id, enabled, firedCount }))).toEqual([
      { id: 'pair-done', enabled: false, firedCount: 1 },
      { id: 'ten-minutes', enabled: true, firedCount: 1 },
      { id: 'raid', enabled: true, firedCount: 1 },
      { id: 'unreachable', enabled: true, firedCount: 1 },
    ]);
    okBody(await api(server.url, 'POST', '/api/cues/raid/fire', { token: again.token }), 'fire');
    expect(rig.received.slice(sent)).toEqual(['osc /raid/red [1]', 'http GET /raid ', 'osc /raid/red [0]']);
    // Each payload once, in order, over both runs.
    expect(rig.received).toEqual([
      'osc /group ["Pair",1]',
      'http POST /group {"group":"Pair"}',
      'http POST /clock {"minutes":10}',
      'osc /clock [10]',
      ...['osc /raid/red [1]', 'http GET /raid ', 'osc /raid/red [0]'],
      'osc /after-failure []',
      ...['osc /raid/red [1]', 'http GET /raid ', 'osc /raid/red [0]'],
    ]);
  });

  it("plays a cue's sound through the real sound mpv: the PCM it writes is the sound's length", async () => {
    const media = tempDir('cue-sound-');
    // One second of tone at the PCM writer's rate and layout: nothing is resampled.
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=48000', '-ac', '2', '-c:a', 'pcm_s16le', join(media, 'sting.wav')]);
    const pcm = join(media, 'out.pcm');
    const process = new MpvProcess({
      binary: 'mpv',
      socketPath: join(media, 'sound.sock'),
      pidFile: join(media, 'sound.pid'),
      baseArgs: soundArgs,
      extraArgs: ['--ao=pcm', `--ao-pcm-file=${pcm}`, '--audio-format=s16', '--audio-samplerate=48000', '--audio-channels=stereo', '--ao-pcm-waveheader=no'],
      component: 'sound',
      logger: pino({ level: 'silent' }),
    });
    const sound = new MpvSoundPlayer({ process, media: new MediaFolder(media), logger: pino({ level: 'silent' }) });
    const playing: number[] = [];
    sound.onStatus((status) => playing.push(status.playing));
    const cues = CuesFile.parse([{ id: 'sting', name: 'Sting', trigger: 'transaction:accepted', actions: [{ sound: 'sting.wav', volume: 100 }] }]);
    server = await startTestServer({ cues, sound, mediaDir: media });
    const { peer } = await admin(server);
    const gm = await station(server.url, 'GM_STING');
    peers.push(gm);
    await gm.submit('tok001', '001');
    const [fired] = await peer.waitFor('cue:fired', (envelope) => envelope.data.cueId === 'sting');
    expect(CueFired.parse(fired?.data).results).toEqual([{ action: 'sound', ok: true }]);
    await expect.poll(() => playing.includes(1) && playing.at(-1) === 0).toBe(true);
    await server.stop();
    const seconds = readFileSync(pcm).length / (48_000 * 2 * 2);
    expect(seconds).toBeGreaterThan(0.9);
    expect(seconds).toBeLessThan(1.1);
    rmSync(media, { recursive: true, force: true });
  });

  it('answers the cue routes for admins only, and lists no cues without a cues file', async () => {
    server = await startTestServer();
    expect((await api(server.url, 'GET', '/api/cues')).status).toBe(401);
    const { token } = await admin(server);
    expect(okBody(await api(server.url, 'GET', '/api/cues', { token }), 'cues')).toEqual([]);
    expect(okBody(await api(server.url, 'POST', '/api/sounds/stop', { token }), 'stop')).toEqual({ status: 'ok' });
  });
});
