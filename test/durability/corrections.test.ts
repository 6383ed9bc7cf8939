import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuiltServer } from '../../scripts/lib/built-server.js';
import { GameState, LoginResponse, ReassignResponse, ScoreAdjustResponse, SessionExport, Team, Transaction, type AckResponse } from '../../src/contract/index.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { station, type Peer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { serverGone, sigkill, spawnedServersPerFile } from '../support/spawned-server.js';

/**
 * Corrections under kill -9: the built server is SIGKILLed right after it acknowledged teams
 * registered, a rename, admin and station voids, a reassignment, adjustments and clock
 * corrections, and once their state:update went out. The restarted server, on the same data,
 * must show what that last broadcast showed: scores, teams, clock and the recent transactions
 * with their voids. Twice, the second round correcting what the first one left; then once
 * more the moment a correction is acknowledged, before anything was broadcast.
 */

const ADMIN_PASSWORD = 'corrections-survive';
const STEP_TIMEOUT_MS = 10_000;
const servers = spawnedServersPerFile('orchestrator-corrections-kill-');

const spawnServer = () =>
  servers.spawn({ DATA_DIR: join(servers.dir, 'data'), TOKENS_FILE: FIXTURE_TOKENS, ADMIN_PASSWORD, GAME_MINUTES: '90' });

async function loginTo(url: string): Promise<string> {
  return LoginResponse.parse(okBody(await api(url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD }, timeoutMs: STEP_TIMEOUT_MS }), 'login')).token;
}

/** A station whose socket the file's fixture closes after the test. */
async function stationOn(url: string, stationId: string): Promise<Peer> {
  const peer = await station(url, stationId);
  servers.sockets.push(peer.socket);
  return peer;
}

/** What a restart must bring back as it was. */
const durablePart = (state: GameState) => ({
  scores: state.scores,
  teams: state.teams,
  clock: state.clock,
  recentTransactions: state.recentTransactions,
});

function acked<T>(ack: AckResponse, parse: (data: unknown) => T): T {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return parse(ack.data);
}

/**
 * Kills the server at once when `witness` has seen the state:update that reflects the last
 * acknowledged change, and answers the last one it saw before the kill.
 */
async function killAfterBroadcast(server: BuiltServer, peers: Peer[], witness: Peer, reflectsLastChange: (state: GameState) => boolean): Promise<GameState> {
  await witness.waitFor('state:update', (e) => reflectsLastChange(e.data), 1, STEP_TIMEOUT_MS);
  sigkill(server);
  await serverGone(server, peers.map((peer) => peer.socket), STEP_TIMEOUT_MS);
  return GameState.parse(witness.of('state:update').at(-1)!.data);
}

/** The restarted server's state, over HTTP and as a newly identified station gets it; both must agree. */
async function restartedState(url: string, stationId: string): Promise<{ state: GameState; witness: Peer }> {
  const state = GameState.parse(okBody(await api(url, 'GET', '/api/state', { timeoutMs: STEP_TIMEOUT_MS }), 'GET /api/state'));
  const witness = await stationOn(url, stationId);
  const identified = witness.of('gm:identified')[0]!.data.state;
  expect(durablePart(identified)).toEqual(durablePart(state));
  return { state, witness };
}

async function exportOf(url: string, token: string, sessionId: string): Promise<SessionExport> {
  const reply = await api(url, 'GET', `/api/sessions/${sessionId}/export`, { token, timeoutMs: STEP_TIMEOUT_MS });
  return SessionExport.parse(okBody(reply, 'export'));
}

const kindsOf = (exported: SessionExport) => exported.corrections.map((c) => `${c.kind} by ${c.by}`).sort();

describe('corrections under kill -9', () => {
  it('brings back the scores, teams, clock and voids of the last broadcast over two kill/restart rounds, and a correction killed right after its ack', async () => {
    // Round 1: teams, scans, and one of each correction.
    let server = await spawnServer();
    let token = await loginTo(server.url);
    const post = (path: string, body: unknown) => api(server.url, 'POST', path, { token, body, timeoutMs: STEP_TIMEOUT_MS });
    let gm = await stationOn(server.url, 'GM_A');
    let witness = await stationOn(server.url, 'GM_W');

    okBody(await post('/api/teams', { name: 'Red Herrings' }), 'register Red');
    acked(await gm.request('team:create', { name: 'Blue Whales' }), (data) => Team.parse(data));
    const tok001 = await gm.submit('tok001', 'red herrings');
    const pair01 = await gm.submit('pair01', 'Red Herrings');
    const pair02 = await gm.submit('pair02', 'Red Herrings');
    expect(pair02.groupCompleted).toEqual({ group: 'Pair', bonusPoints: 175_000 });
    const tok003 = await gm.submit('tok003', 'Red Herrings');
    const tok002 = await gm.submit('tok002', 'Blue Whales');

    okBody(await post(`/api/transactions/${pair02.id}/void`, { reason: 'scanned for the wrong team' }), 'void pair02');
    acked(await gm.request('transaction:void', { transactionId: tok001.id, reason: 'undo' }), (data) => Transaction.parse(data));
    ReassignResponse.parse(okBody(await post(`/api/transactions/${tok003.id}/reassign`, { teamId: 'blue whales', reason: 'wrong team picked' }), 'reassign tok003'));
    okBody(await post('/api/scores/adjust', { teamId: 'Red Herrings', points: -75_000, reason: 'phone out' }), 'adjust Red');
    okBody(await api(server.url, 'PATCH', `/api/teams/${encodeURIComponent('Blue Whales')}`, { token, body: { name: 'Azure Whales' }, timeoutMs: STEP_TIMEOUT_MS }), 'rename Blue');
    okBody(await api(server.url, 'PATCH', '/api/session/clock', { token, body: { plannedMinutes: 45, adjustSeconds: 600 }, timeoutMs: STEP_TIMEOUT_MS }), 'clock');
    okBody(await post('/api/teams', { name: 'Green Geese' }), 'register Green');

    const sessionId = tok001.sessionId;
    const lastBefore1 = await killAfterBroadcast(server, [gm, witness], witness, (state) => state.teams.length === 3);
    // The broadcast reflects every correction, so comparing with it proves something.
    expect(lastBefore1.scores.map((s) => [s.teamId, s.name, s.currentScore, s.adjustmentPoints])).toEqual([
      ['Blue Whales', 'Azure Whales', 75_000 + 250_000, 0],
      ['Green Geese', 'Green Geese', 0, 0],
      ['Red Herrings', 'Red Herrings', 50_000 - 75_000, -75_000],
    ]);
    expect(lastBefore1.recentTransactions.filter((t) => t.voided).map((t) => [t.tokenId, t.voided?.by])).toEqual([
      ['tok001', 'GM_A'],
      ['pair02', 'admin'],
      ['tok003', 'admin'],
    ]);
    expect(lastBefore1.clock).toMatchObject({ status: 'running', plannedMs: 45 * 60_000 });

    server = await spawnServer();
    token = await loginTo(server.url);
    const restarted1 = await restartedState(server.url, 'GM_W');
    expect(restarted1.state.sessionId).toBe(sessionId);
    expect(durablePart(restarted1.state)).toEqual(durablePart(lastBefore1));
    const exported1 = await exportOf(server.url, token, sessionId);
    expect(kindsOf(exported1)).toEqual(['adjust by admin', 'clock by admin', 'clock by admin', 'reassign by admin', 'rename by admin', 'void by GM_A', 'void by admin']);

    // Round 2, on the restarted server: corrections of what round 1 left, the station undoing a
    // scan of its own from before the restart, and the freed tokens completing a group elsewhere.
    witness = restarted1.witness;
    gm = await stationOn(server.url, 'GM_A');
    acked(await gm.request('transaction:void', { transactionId: pair01.id, reason: 'wrong team' }), (data) => Transaction.parse(data));
    expect(await gm.submit('pair01', 'azure whales')).toMatchObject({ status: 'accepted', teamId: 'Blue Whales' });
    expect(await gm.submit('pair02', 'Azure Whales')).toMatchObject({ status: 'accepted', groupCompleted: { group: 'Pair', bonusPoints: 175_000 } });
    ReassignResponse.parse(okBody(await post(`/api/transactions/${tok002.id}/reassign`, { teamId: 'Red Herrings', reason: 'Red scanned it' }), 'reassign tok002'));
    okBody(await post('/api/scores/adjust', { teamId: 'azure whales', points: 30_000, reason: 'bonus round' }), 'adjust Blue');
    okBody(await api(server.url, 'PATCH', `/api/teams/${encodeURIComponent('Red Herrings')}`, { token, body: { name: 'Crimson Herrings' }, timeoutMs: STEP_TIMEOUT_MS }), 'rename Red');
    okBody(await api(server.url, 'PATCH', '/api/session/clock', { token, body: { adjustSeconds: -120 }, timeoutMs: STEP_TIMEOUT_MS }), 'clock');
    acked(await gm.request('team:create', { name: 'Violet Voles' }), (data) => Team.parse(data));

    const lastBefore2 = await killAfterBroadcast(server, [gm, witness], witness, (state) => state.teams.length === 4);
    expect(lastBefore2.scores.map((s) => [s.teamId, s.name, s.currentScore, s.bonusPoints, s.adjustmentPoints])).toEqual([
      ['Blue Whales', 'Azure Whales', 250_000 + 50_000 + 125_000 + 175_000 + 30_000, 175_000, 30_000],
      ['Red Herrings', 'Crimson Herrings', 75_000 - 75_000, 0, -75_000],
      ['Green Geese', 'Green Geese', 0, 0, 0],
      ['Violet Voles', 'Violet Voles', 0, 0, 0],
    ]);
    expect(lastBefore2.recentTransactions.filter((t) => t.voided)).toHaveLength(5);

    server = await spawnServer();
    token = await loginTo(server.url);
    const restarted2 = await restartedState(server.url, 'GM_W');
    expect(restarted2.state.sessionId).toBe(sessionId);
    expect(durablePart(restarted2.state)).toEqual(durablePart(lastBefore2));
    const exported2 = await exportOf(server.url, token, sessionId);
    expect(kindsOf(exported2)).toEqual([
      ...['adjust by admin', 'adjust by admin', 'clock by admin', 'clock by admin', 'clock by admin', 'reassign by admin', 'reassign by admin'],
      ...['rename by admin', 'rename by admin', 'void by GM_A', 'void by GM_A', 'void by admin'],
    ]);
    expect(exported2.scores).toEqual(restarted2.state.scores);

    // And killed the moment a correction is acknowledged, before any broadcast of it: what
    // was answered is what comes back.
    gm = await stationOn(server.url, 'GM_A');
    const pair02Again = restarted2.state.recentTransactions.find((t) => t.tokenId === 'pair02' && !t.voided)!;
    const undone = acked(await gm.request('transaction:void', { transactionId: pair02Again.id, reason: 'one more undo' }), (data) => Transaction.parse(data));
    const adjusted = ScoreAdjustResponse.parse(okBody(await post('/api/scores/adjust', { teamId: 'Blue Whales', points: -5_000, reason: 'late' }), 'adjust Blue'));
    sigkill(server);
    await serverGone(server, [gm.socket, restarted2.witness.socket], STEP_TIMEOUT_MS);
    server = await spawnServer();
    token = await loginTo(server.url);
    const restarted3 = await restartedState(server.url, 'GM_W');
    expect(restarted3.state.scores.find((s) => s.teamId === 'Blue Whales')).toEqual(adjusted.score);
    expect(adjusted.score).toMatchObject({ bonusPoints: 0, completedGroups: [], adjustmentPoints: 25_000 });
    expect(restarted3.state.recentTransactions.find((t) => t.id === undone.id)).toEqual(undone);
  }, 60_000);
});
