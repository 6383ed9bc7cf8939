import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { GameState, Session } from '../../src/contract/index.js';
import { startTestServer, station, type Peer, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/temp-dir.js';
import { api } from '../support/http.js';

/**
 * A clean stop and a start on the same data directory: the game picks up where it was, with
 * its scores, group bonuses, claimed tokens and resubmission answers rebuilt from the log.
 */

let dataDir: string | undefined;
const servers: TestServer[] = [];
const peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  for (const server of servers.splice(0)) await server.stop();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function start(dir: string): Promise<TestServer> {
  const server = await startTestServer({ dataDir: dir });
  servers.push(server);
  return server;
}

async function gm(server: TestServer, stationId: string): Promise<Peer> {
  const peer = await station(server.url, stationId);
  peers.push(peer);
  return peer;
}

async function current(server: TestServer): Promise<{ session: Session; state: GameState }> {
  const session = await api(server.url, 'GET', '/api/session');
  const state = await api(server.url, 'GET', '/api/state');
  expect(session.status).toBe(200);
  expect(state.status).toBe(200);
  return { session: Session.parse(session.body), state: GameState.parse(state.body) };
}

describe('a restart on the same data directory', () => {
  it('resumes the session with its scores, groups, claimed tokens and resubmission answers', async () => {
    dataDir = tempDir('orchestrator-restart-');
    const first = await start(dataDir);
    const a = await gm(first, 'GM_A');
    const b = await gm(first, 'GM_B');

    // team-1 completes "Trio (x3)"; team-2 scores a plain token; a duplicate and an unknown token are logged too.
    const trio = [
      await a.submit('grp001', 'team-1', 'GM_A'),
      await a.submit('grp002', 'team-1', 'GM_A'),
      await b.submit('grp003', 'team-1', 'GM_B'),
    ];
    const plain = await b.submit('tok003', 'team-2', 'GM_B');
    const duplicate = await b.submit('grp001', 'team-2', 'GM_B');
    const unknown = await a.submit('nope99', 'team-2', 'GM_A');
    expect(trio.map((t) => t.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(plain.status).toBe('accepted');
    expect(duplicate.status).toBe('duplicate');
    expect(unknown.status).toBe('rejected');

    const before = await current(first);
    const team1 = before.state.scores.find((s) => s.teamId === 'team-1');
    // 10 000 + 25 000 + 150 000 = 185 000 base; the x3 group adds (3 − 1) × 185 000.
    expect(team1).toMatchObject({ currentScore: 555_000, bonusPoints: 370_000, completedGroups: ['Trio'], tokensScanned: 3 });

    for (const peer of peers.splice(0)) peer.close();
    await first.stop();

    const second = await start(dataDir);
    const after = await current(second);
    expect(after.session.id).toBe(before.session.id);
    expect(after.session).toMatchObject({ status: 'active', transactionCount: 6, acceptedCount: 4 });
    expect(after.state.sessionId).toBe(before.session.id);
    expect(after.state.scores).toEqual(before.state.scores);

    // The same scanner, token and team as before the restart: answered with the original transaction.
    const resubmitted = await (await gm(second, 'GM_A')).submit('grp002', 'team-1', 'GM_A');
    expect(resubmitted).toEqual(trio[1]);
    const resubmittedDuplicate = await (await gm(second, 'GM_B')).submit('grp001', 'team-2', 'GM_B');
    expect(resubmittedDuplicate).toEqual(duplicate);
    const c = await gm(second, 'GM_C');
    expect((await current(second)).session.transactionCount).toBe(6);

    // A token claimed before the restart stays claimed after it.
    const late = await c.submit('tok003', 'team-3', 'GM_C');
    expect(late).toMatchObject({ status: 'duplicate', points: 0, sessionId: before.session.id });
    expect(late.id).not.toBe(plain.id);
    expect(late.rejectionReason).toContain('team-2');

    const end = await current(second);
    expect(end.session.transactionCount).toBe(7);
    // A duplicate registers its team, with 0 points; the others' scores are as they were.
    expect(end.state.scores.filter((s) => s.teamId !== 'team-3')).toEqual(before.state.scores);
    expect(end.state.scores.find((s) => s.teamId === 'team-3')).toMatchObject({ currentScore: 0, tokensScanned: 0 });
  });
});
