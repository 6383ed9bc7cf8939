import { afterEach, describe, expect, it } from 'vitest';
import { PlayerScanBatchResponse, PlayerScanResponse, SessionExport } from '../../src/contract/index.js';
import type { LogBatch } from '../../src/ports/store.js';
import { defaultHttpLimits } from '../../src/transport/http/http-limits.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { ManualClock } from '../support/manual-clock.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.destroy();
});

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<{ server: TestServer; tv: FakeVideoPlayer }> {
  const tv = new FakeVideoPlayer();
  const server = await startTestServer({ video: tv, ...options });
  servers.push(server);
  return { server, tv };
}

const scan = (server: TestServer, body: unknown) => api(server.url, 'POST', '/api/scan', { body, timeoutMs: 10_000 });
const batch = (server: TestServer, body: unknown) => api(server.url, 'POST', '/api/scan/batch', { body, timeoutMs: 10_000 });
const scansOf = (server: TestServer) => server.store.playerScans(server.orchestrator.show.session?.id ?? '');
const ago = (clock: ManualClock, ms: number) => new Date(clock.now() - ms).toISOString();

describe('POST /api/scan with a scanId', () => {
  it('answers a repeat with the first answer and records nothing new', async () => {
    const { server, tv } = await serve();
    const body = { tokenId: 'TOK002', deviceId: 'player-1', scanId: 'scan-1', scannedAt: new Date().toISOString() };
    const first = await scan(server, body);
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted', tokenId: 'tok002', video: true, scanId: 'scan-1' } });
    PlayerScanResponse.parse(first.body);
    tv.emit({ status: 'completed', tokenId: 'tok002' }); // a new scan would play again

    const again = await scan(server, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(scansOf(server)).toHaveLength(1);
    expect(server.orchestrator.show.session?.playerScanCount).toBe(1);
    expect(tv.plays).toHaveLength(1);

    // The same id from another scanner is another scan.
    expect((await scan(server, { ...body, deviceId: 'player-2' })).status).toBe(200);
    expect(scansOf(server)).toHaveLength(2);
  });

  it('answers identical requests in flight at once with one answer: one scan recorded, one clip', async () => {
    const { server, tv } = await serve();
    const body = { tokenId: 'tok002', deviceId: 'player-1', scanId: 'twins' };
    const replies = await Promise.all(Array.from({ length: 5 }, () => scan(server, body)));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
    for (const reply of replies) expect(reply.body).toEqual(replies[0]?.body);
    expect(scansOf(server)).toHaveLength(1);
    expect(tv.plays).toHaveLength(1);
  });

  it('answers a repeat of a refused clip (VIDEO_BUSY) with the same refusal', async () => {
    const { server, tv } = await serve({ videoBusyPolicy: 'reject' });
    okBody(await scan(server, { tokenId: 'tok002', deviceId: 'player-1' }), 'first clip');
    const busy = await scan(server, { tokenId: 'vid002', deviceId: 'player-2', scanId: 'b' });
    expect(busy).toMatchObject({ status: 409, body: { code: 'VIDEO_BUSY', status: 'rejected' } });
    tv.emit({ status: 'completed', tokenId: 'tok002' });
    const again = await scan(server, { tokenId: 'vid002', deviceId: 'player-2', scanId: 'b' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(busy.body);
    expect(tv.plays.map((play) => play.tokenId)).toEqual(['tok002']);
    expect(scansOf(server).map((recorded) => recorded.tokenId)).toEqual(['tok002', 'vid002']);
  });

  it('still recognises a repeat after a restart on the same data, and plays nothing', async () => {
    const first = await serve();
    const body = { tokenId: 'tok002', deviceId: 'player-1', scanId: 'before-restart' };
    const answer = okBody(await scan(first.server, body), 'first scan');
    const port = Number(new URL(first.server.url).port);
    await first.server.stop();

    const second = await serve({ dataDir: first.server.dataDir, port });
    const again = await scan(second.server, body);
    expect(again).toMatchObject({ status: 200, body: answer });
    expect(second.tv.plays).toEqual([]);
    expect(scansOf(second.server)).toHaveLength(1);
    expect(second.server.orchestrator.show.session?.playerScanCount).toBe(1);
  });
});

describe('POST /api/scan made long before it arrives (stale)', () => {
  it('records a scan made 2 minutes ago, says it is stale, starts no clip, and exports it as stored', async () => {
    const clock = new ManualClock();
    const { server, tv } = await serve({ clock });
    const scannedAt = ago(clock, 120_000);
    const reply = await scan(server, { tokenId: 'tok002', deviceId: 'player-1', scanId: 'late', scannedAt });
    expect(reply.status).toBe(200);
    expect(PlayerScanResponse.parse(reply.body)).toEqual({
      status: 'accepted',
      tokenId: 'tok002',
      video: false,
      scanId: 'late',
      stale: true,
      message: 'made 120 s before it reached the orchestrator: recorded, but too late to start a video',
    });
    expect(tv.plays).toEqual([]);
    expect(server.orchestrator.show.videoOverview().queue).toEqual([]);

    // A scan of the last minute plays.
    okBody(await scan(server, { tokenId: 'tok002', deviceId: 'player-2', scannedAt: ago(clock, 30_000) }), 'recent scan');
    expect(tv.plays).toHaveLength(1);

    const sessionId = server.orchestrator.show.session?.id ?? '';
    const token = await server.adminToken();
    const exported = SessionExport.parse(okBody(await api(server.url, 'GET', `/api/sessions/${sessionId}/export`, { token }), 'export'));
    expect(exported.session.playerScanCount).toBe(2);
    expect(exported.playerScans[0]).toEqual({
      tokenId: 'tok002',
      deviceId: 'player-1',
      sessionId,
      timestamp: new Date(clock.now()).toISOString(),
      video: false,
      scanId: 'late',
      scannedAt,
      stale: true,
    });
    expect(exported.playerScans[1]).not.toHaveProperty('stale');
  });

  it('takes its limit from PLAYER_SCAN_STALE_S', async () => {
    const clock = new ManualClock();
    const { server, tv } = await serve({ clock, timing: { playerScanStaleMs: 10_000 } });
    expect((await scan(server, { tokenId: 'tok002', deviceId: 'player-1', scannedAt: ago(clock, 11_000) })).body).toMatchObject({ stale: true, video: false });
    expect(tv.plays).toEqual([]);
  });
});

describe('POST /api/scan bad input', () => {
  it('refuses a malformed scanId or scannedAt with a clear 400 and records nothing', async () => {
    const { server } = await serve();
    for (const [field, extra] of [
      ['scanId', { scanId: '' }],
      ['scanId', { scanId: 'x'.repeat(65) }],
      ['scanId', { scanId: 'has space' }],
      ['scanId', { scanId: 7 }],
      ['scannedAt', { scannedAt: 'yesterday' }],
      ['scannedAt', { scannedAt: 1_700_000_000_000 }],
    ] as const) {
      const reply = await scan(server, { tokenId: 'tok001', deviceId: 'player-1', ...extra });
      expect(reply, JSON.stringify(extra)).toMatchObject({ status: 400, body: { code: 'INVALID_DATA', message: expect.stringContaining(field) as string } });
      expect(new Set((reply.body as { details: { field: string }[] }).details.map((detail) => detail.field))).toEqual(new Set([field]));
    }
    expect(scansOf(server)).toEqual([]);
  });
});

describe('POST /api/scan/batch', () => {
  it('answers each scan in order, refused ones with their own error, in one request', async () => {
    const clock = new ManualClock();
    const { server, tv } = await serve({ clock, videoBusyPolicy: 'reject' });
    const reply = await batch(server, {
      scans: [
        { tokenId: 'tok001', deviceId: 'player-1', scanId: 'a' },
        { tokenId: 'nope', deviceId: 'player-1', scanId: 'b' },
        { tokenId: 5, deviceId: 'player-1', scanId: 'c' },
        { tokenId: 'tok002', deviceId: 'player-1', scanId: 'd' },
        { tokenId: 'vid002', deviceId: 'player-2', scanId: 'e' },
        { tokenId: 'tok001', deviceId: 'player-1', scanId: 'a' },
        { tokenId: 'tok002', deviceId: 'player-3', scanId: 'f', scannedAt: ago(clock, 120_000) },
        { tokenId: 'tok003', deviceId: 'player-3' },
      ],
    });
    expect(reply.status).toBe(200);
    const { results } = PlayerScanBatchResponse.parse(reply.body);
    expect(results).toEqual([
      { status: 'accepted', tokenId: 'tok001', video: false, scanId: 'a' },
      { status: 'rejected', code: 'INVALID_DATA', message: 'unknown token', details: [{ field: 'tokenId', message: 'unknown token' }], scanId: 'b' },
      { status: 'rejected', code: 'INVALID_DATA', message: expect.stringMatching(/^invalid scan 2: tokenId: /) as string, details: [{ field: 'tokenId', message: expect.any(String) as string }], scanId: 'c' },
      { status: 'accepted', tokenId: 'tok002', video: true, scanId: 'd' },
      { status: 'rejected', code: 'VIDEO_BUSY', message: expect.any(String) as string, scanId: 'e' },
      { status: 'accepted', tokenId: 'tok001', video: false, scanId: 'a' },
      { status: 'accepted', tokenId: 'tok002', video: false, scanId: 'f', stale: true, message: expect.stringContaining('too late') as string },
      { status: 'accepted', tokenId: 'tok003', video: false },
    ]);
    expect(tv.plays.map((play) => play.tokenId)).toEqual(['tok002']);
    expect(scansOf(server).map((recorded) => [recorded.tokenId, recorded.scanId])).toEqual([
      ['tok001', 'a'],
      ['tok002', 'd'],
      ['vid002', 'e'],
      ['tok002', 'f'],
      ['tok003', undefined],
    ]);
    expect(server.orchestrator.show.session?.playerScanCount).toBe(5);

    // The whole batch again, as a scanner that never got the answer would send it: the same answers, nothing new.
    tv.emit({ status: 'completed', tokenId: 'tok002' });
    const replay = await batch(server, { scans: [{ tokenId: 'tok002', deviceId: 'player-1', scanId: 'd' }, { tokenId: 'vid002', deviceId: 'player-2', scanId: 'e' }] });
    expect(PlayerScanBatchResponse.parse(replay.body).results).toEqual([results[3], results[4]]);
    expect(scansOf(server)).toHaveLength(5);
    expect(tv.plays).toHaveLength(1);
  });

  it('takes 1 to 50 scans: anything else is a 400 and records nothing', async () => {
    const { server } = await serve();
    const scans = (count: number) => Array.from({ length: count }, (_, i) => ({ tokenId: 'tok001', deviceId: 'player-1', scanId: `scan-${i}` }));
    for (const body of [{ scans: scans(51) }, { scans: [] }, { scans: {} }, { scans: [1] }, { scans: ['tok001'] }, {}, [scans(1)], { scans: null }]) {
      const reply = await batch(server, body);
      expect(reply, JSON.stringify(body).slice(0, 80)).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    }
    expect((await api(server.url, 'POST', '/api/scan/batch', { rawBody: '{"scans": [' })).status).toBe(400);
    expect(scansOf(server)).toEqual([]);

    const full = await batch(server, { scans: scans(50) });
    expect(full.status).toBe(200);
    expect(PlayerScanBatchResponse.parse(full.body).results.map((result) => result.scanId)).toEqual(scans(50).map((s) => s.scanId));
    expect(scansOf(server)).toHaveLength(50);
  });

  it('answers SERVER_ERROR for each scan when the commit fails, and records the same scans when they are sent again', async () => {
    let failing = true;
    const { server } = await serve({
      wrapStore: (store) =>
        new Proxy(store, {
          get: (target, property) => {
            if (property === 'appendLog') {
              return (batch: LogBatch) => {
                if (failing) throw new Error('disk full');
                target.appendLog(batch);
              };
            }
            const value: unknown = Reflect.get(target, property);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        }),
    });
    const body = { scans: [{ tokenId: 'tok001', deviceId: 'player-1', scanId: 'a' }, { tokenId: 'tok003', deviceId: 'player-1', scanId: 'b' }] };
    const failed = PlayerScanBatchResponse.parse(okBody(await batch(server, body), 'failing batch'));
    expect(failed.results).toEqual([
      { status: 'rejected', code: 'SERVER_ERROR', message: expect.any(String) as string, scanId: 'a' },
      { status: 'rejected', code: 'SERVER_ERROR', message: expect.any(String) as string, scanId: 'b' },
    ]);
    expect(scansOf(server)).toEqual([]);

    failing = false;
    const retried = PlayerScanBatchResponse.parse(okBody(await batch(server, body), 'retried batch'));
    expect(retried.results.map((result) => result.status)).toEqual(['accepted', 'accepted']);
    expect(scansOf(server).map((recorded) => recorded.scanId)).toEqual(['a', 'b']);
  });

  it("counts as one request against the player scanners' rate limit", async () => {
    const { server } = await serve({
      clock: new ManualClock(), // the limit's window does not move during the test
      limits: { http: { ...defaultHttpLimits, playerRequests: { count: 2, perMs: 1000 } } },
    });
    const scans = Array.from({ length: 50 }, (_, i) => ({ tokenId: 'tok001', deviceId: 'player-1', scanId: `scan-${i}` }));
    expect((await batch(server, { scans })).status).toBe(200);
    expect((await scan(server, { tokenId: 'tok001', deviceId: 'player-1' })).status).toBe(200);
    expect(await batch(server, { scans })).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(scansOf(server)).toHaveLength(51);
  });
});
