import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckResponse, Envelope } from '../../src/contract/index.js';
import { spawnBuiltServer, type BuiltServer } from '../../scripts/lib/built-server.js';
import type { ClientSocket } from '../support/harness.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { rawRequest } from '../support/http.js';
import { bounded, rssOf, sleep, until } from '../support/reliability.js';
import { neverReadingStation } from '../support/security.js';
import { identifiedStation, killAll, stationSocket } from '../support/spawned-server.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The hostile room, against the built server with its defaults (stations open, as on a
 * desktop, so every attack reaches the server): team floods, identify amplification,
 * player-device floods from ten addresses and clients that never read, all at once for a
 * bounded run. On the code before the fixes the same run made 713 teams, 1,750 player
 * devices, a 458 KB sync:full and 100 KB state:updates, and never cut the silent clients
 * (the review's longer attack took the server to 3.46 GB). Now the state, the messages and
 * the server's RSS stay bounded, the silent clients are cut, and an honest station is answered.
 */

const ATTACK_MS = 8000;
const RSS_GROWTH_LIMIT = 150 * 2 ** 20;

let dir: string;
let server: BuiltServer;
const sockets: ClientSocket[] = [];

const identified = async (url: string, stationId: string) => (await identifiedStation(url, stationId, sockets, 10_000)).socket;

/** A player scanner's heartbeat from its own address; 0 when the request failed. */
function heartbeatFrom(localAddress: string, deviceId: string): Promise<number> {
  const body = JSON.stringify({ deviceId });
  return rawRequest(server.port, { method: 'POST', path: '/api/heartbeat', headers: { 'content-type': 'application/json' }, body, localAddress }).then(
    (response) => response.status,
    () => 0,
  );
}

beforeAll(async () => {
  dir = tempDir('orchestrator-hostile-');
  server = await spawnBuiltServer({ DATA_DIR: dir, TOKENS_FILE: FIXTURE_TOKENS, ADMIN_PASSWORD: 'hostile-admin-password', MAX_GM_STATIONS: '30' });
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  killAll([server.child]);
  await server.exited;
});

describe('a hostile room', () => {
  it('keeps the state, the messages and the memory bounded, cuts silent clients, and still answers an honest station', async () => {
    const honest = await identified(server.url, 'HONEST');
    // Its team is registered before doors open: flooders with the station token can fill
    // MAX_TEAMS with new names (a duplicate scan registers its team), never take a team that is there.
    const registered = (await honest.timeout(10_000).emitWithAck('team:create', { name: 'Honest' })) as AckResponse;
    expect(registered.ok).toBe(true);
    const updates: Envelope<'state:update'>[] = [];
    const cut: string[] = [];
    honest.on('state:update', (envelope) => updates.push(envelope));
    honest.on('device:disconnected', (envelope) => {
      if (envelope.data.reason === 'error') cut.push(envelope.data.deviceId);
    });
    await sleep(1000);
    const rssBefore = rssOf(server.child.pid!);

    const flooders = await Promise.all(Array.from({ length: 8 }, (_, i) => identified(server.url, `FLOOD_${i}`)));
    for (let i = 0; i < 4; i += 1) await neverReadingStation(server.url, `SILENT_${i}`);
    const amplifiers = Array.from({ length: 8 }, () => stationSocket(server.url, sockets));
    const end = Date.now() + ATTACK_MS;
    let sent = 0;
    const heartbeats: Promise<number>[] = [];
    while (Date.now() < end) {
      for (const [i, socket] of flooders.entries()) {
        // New team names on every submission, with claimable and unknown tokens alike.
        socket.emit('transaction:submit', { tokenId: sent % 3 === 0 ? `tok00${(sent % 4) + 1}` : `junk${sent}`, teamId: `team-${i}-${sent}` });
        sent += 1;
      }
      for (const [i, socket] of amplifiers.entries()) socket.emit('gm:identify', { stationId: `AMP_${i}`, version: '1.0.0' });
      for (let a = 2; a < 12; a += 1) heartbeats.push(heartbeatFrom(`127.0.0.${a}`, `player-${a}-${sent}`));
      await sleep(25);
    }
    const statuses = await Promise.all(heartbeats);

    const ack = (await honest.timeout(10_000).emitWithAck('transaction:submit', { tokenId: 'grp001', teamId: 'Honest' })) as AckResponse;
    expect(ack).toMatchObject({ ok: true, data: { status: 'accepted', teamId: 'Honest' } });
    await until(() => cut.length === 4, 'the four silent clients are cut', 20_000);

    const sync = await (async () => {
      const full = new Promise<Envelope<'sync:full'>>((resolve) => honest.once('sync:full', resolve));
      honest.emit('state:request', {});
      return bounded(full, 10_000, 'sync:full');
    })();
    const teams = sync.data.state.scores.length;
    const players = sync.data.devices.filter((d) => d.type === 'player').length;
    const largestUpdate = Math.max(...updates.map((u) => JSON.stringify(u).length));
    const rssAfter = rssOf(server.child.pid!);
    console.log(
      `hostile room: ${sent} flood submissions, ${statuses.length} heartbeats (${statuses.filter((s) => s === 200).length} accepted); ` +
        `${teams} teams, ${players} player devices, sync:full ${JSON.stringify(sync).length} bytes, largest state:update ${largestUpdate} bytes; ` +
        `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MB`,
    );
    expect(teams).toBeLessThanOrEqual(50);
    expect(players).toBeLessThanOrEqual(100);
    expect(JSON.stringify(sync).length).toBeLessThan(256 * 1024);
    expect(largestUpdate).toBeLessThan(64 * 1024);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
    expect(cut.sort()).toEqual(['SILENT_0', 'SILENT_1', 'SILENT_2', 'SILENT_3']);
  });
});
