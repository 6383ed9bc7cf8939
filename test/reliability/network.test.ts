import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { prng, seedFrom, until } from '../support/reliability.js';

/**
 * Network: during a burst of transactions, GM stations drop off for 5–25 s (some closing
 * cleanly, some losing their transport) and come back on a new connection. Each must then
 * see exactly the events it missed, in order and as they were sent (or one sync:full when it
 * missed more than 100), followed by the live stream: its whole stream after its return is
 * compared with an always-connected witness's. A station gone 35 s is forgotten: no replay,
 * no sync:full, no stale device entry. The server decides all of this by its clock, so the
 * seconds are a manual clock's: the suite takes seconds, not minutes. Replay with NETWORK_SEED.
 */

const TRAVELLERS = 10;
const TICKS = 40;
/** Per submitter and tick (a clock second): under the 10 a second a connection may submit. */
const MAX_SUBMITS_PER_TICK = 8;
const REPLAY_CAPACITY = 100;

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

interface Absence {
  stationId: string;
  leaveAt: number;
  returnAt: number;
  abrupt: boolean;
  peer: Peer;
  back?: Peer;
}

const sameEnvelope = (a: Envelope | undefined, b: Envelope | undefined) => JSON.stringify(a) === JSON.stringify(b);
const isDevice = (e: Envelope, event: 'device:connected' | 'device:disconnected', deviceId: string) =>
  e.event === event && (e.data as { deviceId: string }).deviceId === deviceId;

describe('stations dropping off during a burst', () => {
  it('get exactly what they missed, in order, or sync:full past 100; a station gone 35 s is forgotten', async () => {
    const random = prng(seedFrom('NETWORK_SEED', 'network'));
    const clock = new ManualClock();
    server = await startTestServer({ clock, maxStations: TRAVELLERS + 5 });
    const witness = await station(server.url, 'WITNESS');
    const submitters = [await station(server.url, 'SUBMITTER_A'), await station(server.url, 'SUBMITTER_B')];
    peers.push(witness, ...submitters);

    const absences: Absence[] = [];
    for (let i = 0; i < TRAVELLERS; i += 1) {
      const stationId = `TRAVELLER_${i}`;
      const peer = await station(server.url, stationId);
      peers.push(peer);
      const leaveAt = Math.floor(random() * 12);
      // The shortest and the longest absence always, so that both replay and sync:full are met.
      const awaySeconds = i === 0 ? 5 : i === 1 ? 25 : 5 + Math.floor(random() * 21);
      absences.push({ stationId, leaveAt, returnAt: leaveAt + awaySeconds, abrupt: i % 2 === 1, peer });
    }
    const gone: Absence = { stationId: 'GONE', leaveAt: 0, returnAt: 36, abrupt: false, peer: await station(server.url, 'GONE') };
    peers.push(gone.peer);
    let goneListedWhileAway: boolean | undefined;

    let n = 0;
    for (let tick = 0; tick < TICKS; tick += 1) {
      clock.advance(1000);
      for (const absence of [...absences, gone]) {
        if (absence.leaveAt === tick) {
          if (absence.abrupt) absence.peer.socket.io.engine.close(); // the transport goes, no goodbye
          else absence.peer.close();
          await witness.waitFor('device:disconnected', (e) => e.data.deviceId === absence.stationId);
        }
        if (absence.returnAt === tick) {
          if (absence === gone) goneListedWhileAway = server.orchestrator.show.syncPayload().devices.some((d) => d.deviceId === 'GONE');
          const back = await connect(server.url);
          peers.push(back);
          await back.identify(absence.stationId);
          absence.back = back;
        }
      }
      for (const [s, submitter] of submitters.entries()) {
        const submits = Math.floor(random() * (MAX_SUBMITS_PER_TICK + 1));
        for (let k = 0; k < submits; k += 1) {
          n += 1;
          const scannerId = s === 0 ? 'SUBMITTER_A' : 'SUBMITTER_B';
          await submitter.submit(n % 3 === 0 ? `tok00${(n % 5) + 1}` : `burst-${n}`, `team-${n % 4}`, scannerId);
        }
      }
    }
    // The end: a last transaction, and everyone has everything up to its state:update.
    const last = await submitters[0]!.submit('the-end', 'team-0', 'SUBMITTER_A');
    await witness.waitFor('state:update', (e) => e.data.recentTransactions.some((t) => t.id === last.id));
    const returned = [...absences, gone].map((a) => a.back!);
    await until(() => returned.every((back) => sameEnvelope(back.received.at(-1), witness.received.at(-1))), 'the returned stations to catch up');

    let replays = 0;
    let syncs = 0;
    for (const absence of absences) {
      const context = `${absence.stationId} away from ${absence.leaveAt} s to ${absence.returnAt} s (${absence.abrupt ? 'transport lost' : 'clean close'})`;
      const departed = witness.received.findIndex((e) => isDevice(e, 'device:disconnected', absence.stationId));
      const returnedAt = witness.received.findIndex((e, i) => i > departed && isDevice(e, 'device:connected', absence.stationId));
      expect(departed, context).toBeGreaterThanOrEqual(0);
      expect(returnedAt, context).toBeGreaterThan(departed);
      const missed = witness.received.slice(departed + 1, returnedAt);
      const live = witness.received.slice(returnedAt + 1);
      const seen = absence.back!.received;
      expect(seen[0]?.event, context).toBe('gm:identified');
      if (missed.length <= REPLAY_CAPACITY) {
        replays += 1;
        expect(seen.slice(1), `${context}: ${missed.length} missed events, replayed then live`).toEqual([...missed, ...live]);
      } else {
        syncs += 1;
        expect(seen[1]?.event, `${context}: ${missed.length} missed events`).toBe('sync:full');
        expect(seen.slice(2), `${context}: after sync:full, the live stream`).toEqual(live);
      }
    }
    console.log(`network: ${replays} stations replayed their missed events, ${syncs} got sync:full`);
    expect(replays + syncs).toBe(TRAVELLERS);
    expect(replays, 'no station replayed (the 5 s absence should have)').toBeGreaterThan(0);
    expect(syncs, 'no station got sync:full (the 25 s absence should have)').toBeGreaterThan(0);

    // Gone 36 s: forgotten while away, and on return nothing from before, only the live stream.
    expect(goneListedWhileAway, 'GONE was still listed as a device after 36 s away').toBe(false);
    const goneBack = gone.back!;
    const goneLeft = witness.received.findIndex((e) => isDevice(e, 'device:disconnected', 'GONE'));
    const goneReturned = witness.received.findIndex((e, i) => i > goneLeft && isDevice(e, 'device:connected', 'GONE'));
    expect(goneReturned).toBeGreaterThan(goneLeft);
    expect(goneBack.received[0]?.event).toBe('gm:identified');
    expect(goneBack.received.slice(1)).toEqual(witness.received.slice(goneReturned + 1));
    expect(goneBack.of('sync:full')).toEqual([]);
    expect(server.orchestrator.show.syncPayload().devices.filter((d) => d.deviceId === 'GONE')).toEqual([
      expect.objectContaining({ connectionStatus: 'connected' }),
    ]);
  }, 120_000);
});
